package io.glimpse.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link RowTileKernel} on the Vector API: tiles of 2 activation rows × 4 weight rows (one row × 4 for an odd last row),
 * their 8 accumulators in registers, so each vector load of x or w feeds two to four fused multiply-adds. Tiles of 4
 * rows × 4 (16 accumulators) ran at half the speed on AVX-512 with JDK 25: C2 spilled them. A tile at the last
 * columns repeats its last column and drops those sums, which keeps one loop. Each output sums its lanes once with
 * {@link Lanes#sum}, then the tail below one vector in sequence, so its bits do not depend on the tile it falls in. Loaded reflectively, like {@link PanamaVectorOps}.
 */
final class PanamaRowTileKernel implements RowTileKernel {
    private static final VectorSpecies<Float> F = KernelSpecies.FLOATS;
    private static final int L = F.length();
    private static final int COLUMNS = 4;

    /** Refuses species narrower than 128 bits. */
    PanamaRowTileKernel() {
        if (F.vectorBitSize() < VectorOpsProvider.MIN_VECTOR_BITS) {
            throw new UnsupportedOperationException("kernel vector species is " + F.vectorBitSize() + " bits");
        }
    }

    @Override
    public void multiply(int m, int k, float[] x, int xo, float[] w, int wo, int cols, float[] y, int yo, int ldy) {
        if (m <= 0 || cols <= 0) {
            return;
        }
        int body = k - k % L;
        float[] sums = new float[2 * COLUMNS];
        float[] edge = cols % COLUMNS == 0 ? null : new float[COLUMNS * k];
        for (int c0 = 0; c0 < cols; c0 += COLUMNS) {
            float[] tw = w;
            int w0 = wo + c0 * k;
            int width = Math.min(COLUMNS, cols - c0);
            if (width < COLUMNS) {
                for (int c = 0; c < COLUMNS; c++) {
                    System.arraycopy(w, wo + (c0 + Math.min(c, width - 1)) * k, edge, c * k, k);
                }
                tw = edge;
                w0 = 0;
            }
            for (int r0 = 0; r0 < m; ) {
                int rows = Math.min(2, m - r0);
                int x0 = xo + r0 * k;
                if (rows == 2) {
                    tile2(x, x0, tw, w0, k, body, sums);
                } else {
                    tile1(x, x0, tw, w0, k, body, sums);
                }
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < width; c++) {
                        int xr = x0 + r * k;
                        int wc = w0 + c * k;
                        float sum = sums[r * COLUMNS + c];
                        for (int i = body; i < k; i++) {
                            sum = Math.fma(x[xr + i], tw[wc + i], sum);
                        }
                        y[yo + (r0 + r) * ldy + c0 + c] = sum;
                    }
                }
                r0 += rows;
            }
        }
    }

    /** Sums of 2 rows of x (from xs) by 4 rows of w (from ws) over their first {@code body} columns. */
    private static void tile2(float[] x, int xs, float[] w, int ws, int k, int body, float[] sums) {
        FloatVector a00 = FloatVector.zero(F);
        FloatVector a01 = FloatVector.zero(F);
        FloatVector a02 = FloatVector.zero(F);
        FloatVector a03 = FloatVector.zero(F);
        FloatVector a10 = FloatVector.zero(F);
        FloatVector a11 = FloatVector.zero(F);
        FloatVector a12 = FloatVector.zero(F);
        FloatVector a13 = FloatVector.zero(F);
        for (int i = 0; i < body; i += L) {
            FloatVector w0 = FloatVector.fromArray(F, w, ws + i);
            FloatVector w1 = FloatVector.fromArray(F, w, ws + 1 * k + i);
            FloatVector w2 = FloatVector.fromArray(F, w, ws + 2 * k + i);
            FloatVector w3 = FloatVector.fromArray(F, w, ws + 3 * k + i);
            FloatVector x0 = FloatVector.fromArray(F, x, xs + i);
            a00 = x0.fma(w0, a00);
            a01 = x0.fma(w1, a01);
            a02 = x0.fma(w2, a02);
            a03 = x0.fma(w3, a03);
            FloatVector x1 = FloatVector.fromArray(F, x, xs + 1 * k + i);
            a10 = x1.fma(w0, a10);
            a11 = x1.fma(w1, a11);
            a12 = x1.fma(w2, a12);
            a13 = x1.fma(w3, a13);
        }
        sums[0] = Lanes.sum(a00);
        sums[1] = Lanes.sum(a01);
        sums[2] = Lanes.sum(a02);
        sums[3] = Lanes.sum(a03);
        sums[4] = Lanes.sum(a10);
        sums[5] = Lanes.sum(a11);
        sums[6] = Lanes.sum(a12);
        sums[7] = Lanes.sum(a13);
    }

    /** Sums of one row of x (from xs) by 4 rows of w (from ws) over their first {@code body} columns. */
    private static void tile1(float[] x, int xs, float[] w, int ws, int k, int body, float[] sums) {
        FloatVector a00 = FloatVector.zero(F);
        FloatVector a01 = FloatVector.zero(F);
        FloatVector a02 = FloatVector.zero(F);
        FloatVector a03 = FloatVector.zero(F);
        for (int i = 0; i < body; i += L) {
            FloatVector w0 = FloatVector.fromArray(F, w, ws + i);
            FloatVector w1 = FloatVector.fromArray(F, w, ws + 1 * k + i);
            FloatVector w2 = FloatVector.fromArray(F, w, ws + 2 * k + i);
            FloatVector w3 = FloatVector.fromArray(F, w, ws + 3 * k + i);
            FloatVector x0 = FloatVector.fromArray(F, x, xs + i);
            a00 = x0.fma(w0, a00);
            a01 = x0.fma(w1, a01);
            a02 = x0.fma(w2, a02);
            a03 = x0.fma(w3, a03);
        }
        sums[0] = Lanes.sum(a00);
        sums[1] = Lanes.sum(a01);
        sums[2] = Lanes.sum(a02);
        sums[3] = Lanes.sum(a03);
    }
}
