package io.glimpse.reduce;

import io.glimpse.tokens.TokenSet;

/** Finds, for a token, what the previous frame shows at the same grid position; used by the temporal reducers. */
final class FrameAlignment {
    private FrameAlignment() {
    }

    /**
     * The token that represents the patch at token t's (row, col) in the frame before t's frame, or -1 when t is
     * in the first frame, the previous frame has a different grid, that patch was dropped, or its token does not
     * come before t (merges may have moved it).
     */
    static int previousToken(TokenSet in, int t) {
        int f = in.frame(t);
        if (f == 0) {
            return -1;
        }
        if (in.frameInfo(f - 1).gridH() != in.frameInfo(f).gridH()
                || in.frameInfo(f - 1).gridW() != in.frameInfo(f).gridW()) {
            return -1;
        }
        int u = in.origin(in.patchIndex(f - 1, in.row(t), in.col(t)));
        return u < t ? u : -1;
    }
}
