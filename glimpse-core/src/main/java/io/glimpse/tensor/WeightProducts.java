package io.glimpse.tensor;

/** The two ways {@link WeightMatrix#multiplyTransposed} multiplies, with the panel size a parameter for tests. */
final class WeightProducts {
    /** Output rows per part of a parallel matrix-vector product, so a part amortises its dispatch. */
    private static final int MIN_ROWS_PER_PART = 256;

    private WeightProducts() {
    }

    static void multiplyTransposed(WeightMatrix w, Parallel pool, Gemm gemm, int m, float[] x, float[] y, long panelFloats) {
        int n = w.rows();
        int k = w.cols();
        if (m < 0 || (long) m * k > x.length || (long) m * n > y.length) {
            throw new IllegalArgumentException("x of " + x.length + " or y of " + y.length + " floats do not hold " + m
                    + " rows of " + k + " → " + n);
        }
        if (m <= WeightMatrix.MATVEC_ROWS) {
            WeightKernels kernels = WeightKernels.get();
            pool.forRanges(n, MIN_ROWS_PER_PART, (j0, j1) -> {
                for (int r = 0; r < m; r++) {
                    for (int j = j0; j < j1; j++) {
                        y[r * n + j] = kernels.dot(w, j, x, r * k);
                    }
                }
            });
            return;
        }
        int tile = (int) Math.max(1, Math.min(n, panelFloats / Math.max(1, k)));
        float[] panel = new float[tile * k];
        float[] c = tile == n ? y : new float[m * tile];
        for (int j0 = 0; j0 < n; j0 += tile) {
            int nt = Math.min(tile, n - j0);
            int start = j0;
            pool.forRanges(nt, 64, (a, b) -> w.dequantize(start + a, b - a, panel, a * k));
            gemm.multiplyTransposed(m, nt, k, x, 0, panel, 0, c, 0);
            if (c != y) {
                for (int r = 0; r < m; r++) {
                    System.arraycopy(c, r * nt, y, r * n + j0, nt);
                }
            }
        }
    }
}
