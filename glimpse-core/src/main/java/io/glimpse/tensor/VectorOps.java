package io.glimpse.tensor;

/**
 * Float kernels that the hot loops of encoders and reducers share. {@link #get()} returns the Vector API
 * implementation when {@code jdk.incubator.vector} is readable and a scalar one otherwise; both give the
 * same results up to float rounding.
 */
public interface VectorOps {
    /** Sum of a[ao+i]*b[bo+i] for i in [0,n). */
    float dot(float[] a, int ao, float[] b, int bo, int n);

    /** Sum of a[ao+i]^2 for i in [0,n). */
    float sumSquares(float[] a, int ao, int n);

    /** Sum of x[xo+i] for i in [0,n). */
    float sum(float[] x, int xo, int n);

    /** Maximum of x[xo+i] for i in [0,n): NaN if any is NaN, −∞ when n = 0. */
    float max(float[] x, int xo, int n);

    /** y[yo+i] += alpha * x[xo+i] for i in [0,n). */
    void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n);

    /**
     * y[yo+i] += Σ_j p[po+j]·a[ao + j·stride + i] for i in [0,n), j in [0,rows): rows of a weighted and summed into y,
     * as attention sums the cached values; y stays in registers over all the rows, where an {@link #axpy} per row
     * loads and stores it each time.
     */
    void weightedRowSum(float[] p, int po, int rows, float[] a, int ao, int stride, float[] y, int yo, int n);

    /**
     * x[xo+i] = exp(x[xo+i] - shift) for i in [0,n), returning the sum of the results: the inner loop of a
     * softmax (shift = the maximum) and of sigmoids. The vector path evaluates a polynomial (tens of times faster
     * than Math.exp per element, within a few ulps of it) that gives the same bits whether or not it is JIT-compiled.
     */
    float expShifted(float[] x, int xo, int n, float shift);

    /**
     * x[xo+i] = x·σ(x·(a + b·x²)) for i in [0,n): the sigmoid-gated activations, SiLU (a = 1, b = 0), CLIP's
     * quick_gelu (a = 1.702, b = 0) and the tanh GELU (a = 2√(2/π), b = 0.044715·a, since ½(1 + tanh u) = σ(2u)).
     * The vector path uses the exponential of {@link #expShifted}.
     */
    void sigmoidGate(float[] x, int xo, int n, float a, float b);

    /**
     * out[oo+i] = g / (1 + e^-g) · up[uo+i] with g = gate[go+i], for i in [0,n): the gated SiLU of Llama/Qwen2 MLPs,
     * in float. The vector path uses the exponential of {@link #expShifted}, so each element has the bits that
     * exponential, a float add, divide and multiply give it.
     */
    void swiGlu(float[] gate, int go, float[] up, int uo, float[] out, int oo, int n);

    static VectorOps get() {
        return VectorOpsProvider.instance();
    }

    /**
     * Cosine of a[ao, ao+n) and b[bo, bo+n): the dot product and both squared norms on the vector kernels, the ratio
     * in double; 0 when either is a zero vector.
     */
    static double cosine(float[] a, int ao, float[] b, int bo, int n) {
        VectorOps ops = get();
        double dot = ops.dot(a, ao, b, bo, n);
        double na = ops.sumSquares(a, ao, n);
        double nb = ops.sumSquares(b, bo, n);
        return na == 0 || nb == 0 ? 0.0 : dot / Math.sqrt(na * nb);
    }

    /**
     * The n rows of width d scaled to unit length, a new array; a zero row stays zero. Norms are computed in double
     * over the rows divided by their largest magnitude, so very large finite values do not overflow.
     */
    static float[] unitRows(float[] rows, int n, int d) {
        float[] out = new float[n * d];
        for (int t = 0; t < n; t++) {
            int base = t * d;
            double max = 0;
            for (int k = 0; k < d; k++) {
                max = Math.max(max, Math.abs(rows[base + k]));
            }
            if (max == 0) {
                continue;
            }
            double ss = 0;
            for (int k = 0; k < d; k++) {
                double v = rows[base + k] / max;
                ss += v * v;
            }
            double scale = 1.0 / (max * Math.sqrt(ss));
            for (int k = 0; k < d; k++) {
                out[base + k] = (float) (rows[base + k] * scale);
            }
        }
        return out;
    }
}
