package io.glimpse.tensor;

/**
 * y = x·Wᵀ for a few rows of x (a batch of decoded sequences, a draft tree to verify) over weights as stored, reading
 * every weight from memory once for all the rows: the output columns are split over the threads, and each thread
 * widens {@link #COLUMNS} weight rows at a time into an f32 scratch that stays in cache while {@link RowTileKernel}
 * multiplies every row of x by it. Decode reads each weight once per row instead ({@link WeightKernels#dot}); the
 * GEMM path widens the whole matrix into panels in memory, which for few rows costs more than the product. Each output
 * is summed in one order whatever the thread count and tiling, so results are the same on every run.
 */
final class FewRowProduct {
    /**
     * Up to this many rows of x, {@link WeightStack#multiplyTransposed} takes this product rather than the GEMM on
     * panels. Measured by {@code FewRowCrossover} (glimpse-bench) on a 2-core AVX-512 machine with OpenBLAS: see
     * docs/runtime.md.
     */
    static final int MAX_ROWS = 128;
    /** Weight rows widened per step: 16 rows of the widest decoder input (11008) are 704 KB, within a core's L2. */
    static final int COLUMNS = 16;
    /** Output columns per thread's part at least, so a part amortises its dispatch. */
    private static final int MIN_COLUMNS_PER_PART = 64;

    private FewRowProduct() {
    }

    /** y[yo + r·rows + j] = Σ_i x[xo + r·cols + i]·W[j][i] for r below m, every part of the stack in its own columns. */
    static void multiplyTransposed(WeightStack w, Parallel pool, int m, float[] x, int xo, float[] y, int yo) {
        RowTileKernel kernel = RowTileKernel.get();
        int n = w.rows();
        int k = w.cols();
        pool.forRanges(n, MIN_COLUMNS_PER_PART, (j0, j1) -> {
            float[] scratch = new float[Math.min(COLUMNS, j1 - j0) * k];
            for (int t0 = j0; t0 < j1; t0 += COLUMNS) {
                int t1 = Math.min(j1, t0 + COLUMNS);
                for (int p = 0; p < w.partCount(); p++) {
                    int from = Math.max(t0, w.start(p));
                    int to = Math.min(t1, w.start(p + 1));
                    if (from < to) {
                        w.part(p).dequantize(from - w.start(p), to - from, scratch, (from - t0) * k);
                    }
                }
                kernel.multiply(m, k, x, xo, scratch, 0, t1 - t0, y, yo + t0, n);
            }
        });
    }
}
