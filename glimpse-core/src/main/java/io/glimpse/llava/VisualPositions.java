package io.glimpse.llava;

import io.glimpse.lm.PositionPolicy;
import io.glimpse.tokens.TokenSet;

/**
 * Position ids of a (possibly reduced) TokenSet's visual tokens under a {@link PositionPolicy}: KEEP_ORIGINAL puts
 * each token where its anchor patch sat in the unreduced frame-major block (from provenance), RECOMPACT numbers the
 * tokens start, start+1, … in token order.
 */
public final class VisualPositions {
    private VisualPositions() {
    }

    /** Positions of the visual tokens in a block starting at {@code start}. */
    public static int[] of(PositionPolicy policy, TokenSet tokens, int start) {
        if (start < 0) {
            throw new IllegalArgumentException("start position must be non-negative, got " + start);
        }
        int[] out = new int[tokens.size()];
        for (int t = 0; t < out.length; t++) {
            out[t] = start + (policy == PositionPolicy.RECOMPACT ? t
                    : tokens.patchIndex(tokens.frame(t), tokens.row(t), tokens.col(t)));
        }
        return out;
    }

    /** Positions the visual block occupies, so the text after it starts at start + span. */
    public static int span(PositionPolicy policy, TokenSet tokens) {
        return policy == PositionPolicy.RECOMPACT ? tokens.size() : tokens.patchCount();
    }
}
