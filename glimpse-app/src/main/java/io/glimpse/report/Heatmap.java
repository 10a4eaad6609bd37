package io.glimpse.report;

import io.glimpse.image.RgbImage;
import io.glimpse.tokens.FrameInfo;
import io.glimpse.tokens.TokenSet;

/**
 * A picture of one frame's provenance: each patch is a cell coloured by the token that now represents it.
 * Patches kept on their own are pale grey, patches merged with others share a saturated colour per token, dropped
 * patches are near black. Read from the {@code origin} array, so it works for any chain of reductions.
 */
public final class Heatmap {
    private Heatmap() {
    }

    public static RgbImage render(TokenSet t, int frame, int cell) {
        FrameInfo f = t.frameInfo(frame);
        int w = f.gridW() * cell;
        int h = f.gridH() * cell;
        byte[] rgb = new byte[w * h * 3];
        for (int r = 0; r < f.gridH(); r++) {
            for (int c = 0; c < f.gridW(); c++) {
                int tok = t.origin(t.patchIndex(frame, r, c));
                int[] col = colour(t, tok);
                boolean anchor = tok >= 0 && t.frame(tok) == frame && t.row(tok) == r && t.col(tok) == c;
                for (int y = 0; y < cell; y++) {
                    for (int x = 0; x < cell; x++) {
                        boolean edge = cell >= 4 && (x == 0 || y == 0);
                        boolean dot = anchor && cell >= 6 && Math.abs(2 * x - cell) <= 1 && Math.abs(2 * y - cell) <= 1;
                        int o = ((r * cell + y) * w + c * cell + x) * 3;
                        for (int k = 0; k < 3; k++) {
                            int v = dot ? 255 : edge ? col[k] * 3 / 4 : col[k];
                            rgb[o + k] = (byte) v;
                        }
                    }
                }
            }
        }
        return new RgbImage(w, h, rgb, f.timestamp());
    }

    private static int[] colour(TokenSet t, int tok) {
        if (tok < 0) {
            return new int[]{24, 24, 24};
        }
        if (t.tokenSize(tok) == 1) {
            return new int[]{210, 210, 210};
        }
        float hue = (tok * 0.618034f) % 1f;
        int rgb = java.awt.Color.HSBtoRGB(hue, 0.65f, 0.9f);
        return new int[]{(rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff};
    }
}
