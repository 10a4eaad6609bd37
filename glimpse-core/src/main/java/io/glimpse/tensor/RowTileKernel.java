package io.glimpse.tensor;

/**
 * The inner loop of {@link FewRowProduct} (and of decode attention's scores, one query against a head's keys): a few rows of activations times a few rows of f32 weights, every output a
 * dot product summed in one fixed order (so it depends on neither the tile it falls in nor the thread that computes
 * it). {@link #get()} gives the Vector API implementation when it is usable (the rules of {@link VectorOpsProvider}),
 * else the scalar one.
 */
public interface RowTileKernel {
    /**
     * y[yo + r·ldy + c] = Σ_i x[xo + r·k + i]·w[wo + c·k + i] for r below m and c below cols.
     */
    void multiply(int m, int k, float[] x, int xo, float[] w, int wo, int cols, float[] y, int yo, int ldy);

    static RowTileKernel get() {
        return Holder.KERNEL;
    }

    /** Lazy holder: the choice is made on first use. */
    final class Holder {
        static final RowTileKernel KERNEL = VectorOpsProvider.choose(RowTileKernel.class, "PanamaRowTileKernel",
                System.getProperty(VectorOpsProvider.DISABLE_PROPERTY), ScalarRowTileKernel::new);

        private Holder() {
        }
    }
}
