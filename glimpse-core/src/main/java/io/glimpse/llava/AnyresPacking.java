package io.glimpse.llava;

import io.glimpse.image.AnyresGrid;

/** LLaVA-OneVision's packing of one anyres image's projected rows into its prompt block. */
final class AnyresPacking {
    private AnyresPacking() {
    }

    /**
     * pack_image_features for one image: the base crop's rows, then the tiles' grids laid out as one map (tile row,
     * patch row; tile column, patch column), unpadded, shrunk bilinearly when the layout says so, each map row followed
     * by {@code newline}.
     *
     * @param projected rows [crops × grid² × d], base crop first, tiles row-major, as {@link AnyresGrid#crops} orders them
     */
    static float[] pack(AnyresGrid anyres, float[] projected, int height, int width, float[] newline) {
        AnyresGrid.Layout l = anyres.layout(height, width);
        int grid = anyres.grid();
        int d = newline.length;
        int g2 = grid * grid;
        if ((long) l.crops() * g2 * d != projected.length) {
            throw new IllegalArgumentException(projected.length + " values are not " + l.crops() + " crops of " + g2
                    + " rows of width " + d);
        }
        float[] kept = new float[l.keptRows() * l.keptCols() * d];
        for (int y = 0; y < l.keptRows(); y++) {
            int my = l.top() + y;
            for (int x = 0; x < l.keptCols(); x++) {
                int mx = l.left() + x;
                int crop = 1 + (my / grid) * l.cols() + mx / grid;
                int row = (my % grid) * grid + mx % grid;
                System.arraycopy(projected, (crop * g2 + row) * d, kept, (y * l.keptCols() + x) * d, d);
            }
        }
        float[] map = l.outRows() == l.keptRows() && l.outCols() == l.keptCols() ? kept
                : BilinearPool.resize(kept, l.keptRows(), l.keptCols(), l.outRows(), l.outCols(), d);
        float[] out = new float[l.tokens(grid) * d];
        System.arraycopy(projected, 0, out, 0, g2 * d);
        int at = g2 * d;
        for (int y = 0; y < l.outRows(); y++) {
            System.arraycopy(map, y * l.outCols() * d, out, at, l.outCols() * d);
            at += l.outCols() * d;
            System.arraycopy(newline, 0, out, at, d);
            at += d;
        }
        return out;
    }
}
