package io.glimpse.tensor;

import java.lang.foreign.MemorySegment;

/**
 * The three ways {@link WeightStack#multiplyTransposed} multiplies (by row: matrix-vector products, {@link FewRowProduct},
 * GEMM: on the stored matrix itself where the GEMM is a {@link StoredWeightGemm}, else on f32 panels), with the panel
 * size a parameter for tests.
 */
final class WeightProducts {
    /** Output rows per part of a parallel matrix-vector product, so a part amortises its dispatch. */
    private static final int MIN_ROWS_PER_PART = 256;
    /**
     * Up to this many rows stay on the matrix-vector kernels when they read each weight row once for several
     * activation rows ({@link WeightKernels#readsRowsTogether}, Q8_0), instead of widening the weights into an f32
     * scratch for {@link FewRowProduct}: four sequences decoded together ran at 1.57-1.60× one sequence's rate against
     * 1.34-1.38× (Qwen2-0.5B shape, 2-core Zen 3). Eight rows as four pairs measured no faster than the scratch.
     */
    static final int ROWS_READ_TOGETHER = 4;
    /**
     * The calling thread's dequantized panel, kept between products: a prefill multiplies by every matrix in turn, and
     * a fresh panel of up to {@link WeightMatrix#PANEL_FLOATS} per product cost its allocation and zeroing each time.
     */
    private static final float[] EMPTY = new float[0];
    private static final ThreadLocal<float[]> PANEL = ThreadLocal.withInitial(() -> EMPTY);

    private WeightProducts() {
    }

    static void multiplyTransposed(WeightStack w, Parallel pool, Gemm gemm, int m, float[] x, int xo, float[] y, int yo,
                                   long panelFloats) {
        int n = w.rows();
        int k = w.cols();
        if (m < 0 || xo < 0 || yo < 0 || xo + (long) m * k > x.length || yo + (long) m * n > y.length) {
            throw new IllegalArgumentException("x of " + x.length + " floats from " + xo + " or y of " + y.length + " from "
                    + yo + " do not hold " + m + " rows of " + k + " → " + n);
        }
        if (m <= WeightMatrix.MATVEC_ROWS || m <= ROWS_READ_TOGETHER && readTogether(w)) {
            matVec(w, pool, m, x, xo, y, yo);
            return;
        }
        if (m <= FewRowProduct.MAX_ROWS) {
            FewRowProduct.multiplyTransposed(w, pool, m, x, xo, y, yo);
            return;
        }
        for (int p = 0; p < w.partCount(); p++) {
            WeightMatrix part = w.part(p);
            float[] heap = wholeHeapFloats(part);
            if (heap != null && w.partCount() == 1) {
                gemm.multiplyTransposed(m, n, k, x, xo, heap, 0, y, yo);
            } else if (gemm instanceof StoredWeightGemm stored) {
                stored.multiplyTransposed(m, x, xo, part, y, yo + w.start(p), n);
            } else {
                panels(part, pool, gemm, m, x, xo, y, yo + w.start(p), n, panelFloats);
            }
        }
    }

    /** One pass over the weights per input row, the output rows of all parts split over the threads together. */
    private static void matVec(WeightStack w, Parallel pool, int m, float[] x, int xo, float[] y, int yo) {
        WeightKernels kernels = WeightKernels.get();
        int n = w.rows();
        pool.forRanges(n, MIN_ROWS_PER_PART, (j0, j1) -> {
            for (int p = 0; p < w.partCount(); p++) {
                int from = Math.max(j0, w.start(p));
                int to = Math.min(j1, w.start(p + 1));
                if (from < to) {
                    kernels.dotRowsOfRows(w.part(p), from - w.start(p), to - from, m, x, xo, y, yo + from, n);
                }
            }
        });
    }

    private static boolean readTogether(WeightStack w) {
        WeightKernels kernels = WeightKernels.get();
        for (int p = 0; p < w.partCount(); p++) {
            if (!kernels.readsRowsTogether(w.part(p).format())) {
                return false;
            }
        }
        return true;
    }

    /** An F32 matrix that is a whole float[] (weights built in memory): the GEMM reads it directly, as it always has. */
    private static float[] wholeHeapFloats(WeightMatrix part) {
        MemorySegment s = part.data();
        if (part instanceof WeightMatrix.F32 && s.heapBase().orElse(null) instanceof float[] a
                && s.address() == 0 && (long) a.length * 4 == s.byteSize()) {
            return a;
        }
        return null;
    }

    /**
     * Tiles of the part's rows dequantized into an f32 panel, each multiplied by the GEMM into columns [col0, col0+rows)
     * of y (row stride {@code ldy}).
     */
    private static void panels(WeightMatrix w, Parallel pool, Gemm gemm, int m, float[] x, int xo, float[] y, int col0,
                               int ldy, long panelFloats) {
        int n = w.rows();
        int k = w.cols();
        int tile = (int) Math.max(1, Math.min(n, panelFloats / Math.max(1, k)));
        float[] kept = PANEL.get();
        float[] panel = kept.length >= tile * k ? kept : new float[tile * k];
        // Taken out while in use: a worker that joins may run another product's task on this thread.
        PANEL.set(EMPTY);
        try {
            float[] c = new float[m * tile];
            for (int j0 = 0; j0 < n; j0 += tile) {
                int nt = Math.min(tile, n - j0);
                int start = j0;
                pool.forRanges(nt, 64, (a, b) -> w.dequantize(start + a, b - a, panel, a * k));
                gemm.multiplyTransposed(m, nt, k, x, xo, panel, 0, c, 0);
                for (int r = 0; r < m; r++) {
                    System.arraycopy(c, r * nt, y, col0 + r * ldy + j0, nt);
                }
            }
        } finally {
            PANEL.set(panel);
        }
    }
}
