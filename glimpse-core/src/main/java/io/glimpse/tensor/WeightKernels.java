package io.glimpse.tensor;

/**
 * The inner loops over stored weights: a row of W times f32 activations, and rows widened to f32. {@link #get()} gives
 * the Vector API implementation when it is usable (the rules of {@link VectorOpsProvider}), else the scalar one; both
 * read the segment directly and agree up to float rounding (the order of the sums differs).
 */
interface WeightKernels {
    /** Σ_i W[row][i]·x[xo+i]. */
    float dot(WeightMatrix w, int row, float[] x, int xo);

    /**
     * y[yo + j] = Σ_i W[row0 + j][i]·x[xo+i] for j below count: the matrix-vector product over a range of rows, where a
     * kernel can prepare the activations once for all of them.
     */
    default void dotRows(WeightMatrix w, int row0, int count, float[] x, int xo, float[] y, int yo) {
        for (int j = 0; j < count; j++) {
            y[yo + j] = dot(w, row0 + j, x, xo);
        }
    }

    /**
     * {@link #dotRows} for m rows of activations at once, x's rows k = W's width apart, y's rows {@code ldy} apart:
     * y[yo + r·ldy + j] = Σ_i W[row0 + j][i]·x[xo + r·k + i]. A kernel that reads each weight row once for several
     * activation rows overrides it; each output has the bits {@link #dotRows} gives it.
     */
    default void dotRowsOfRows(WeightMatrix w, int row0, int count, int m, float[] x, int xo, float[] y, int yo, int ldy) {
        for (int r = 0; r < m; r++) {
            dotRows(w, row0, count, x, xo + r * w.cols(), y, yo + r * ldy);
        }
    }

    /** Whether {@link #dotRowsOfRows} reads each weight row once for several activation rows in format f. */
    default boolean readsRowsTogether(WeightFormat f) {
        return false;
    }

    /** Rows [row0, row0+count) of W as f32, row-major into out from offset. */
    void dequantize(WeightMatrix w, int row0, int count, float[] out, int offset);

    static WeightKernels get() {
        return Holder.KERNELS;
    }

    /** Lazy holder: the choice is made on first use. */
    final class Holder {
        static final WeightKernels KERNELS = VectorOpsProvider.choose(WeightKernels.class, "PanamaWeightKernels",
                System.getProperty(VectorOpsProvider.DISABLE_PROPERTY), ScalarWeightKernels::new);

        private Holder() {
        }
    }
}
