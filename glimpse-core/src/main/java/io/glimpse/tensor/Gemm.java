package io.glimpse.tensor;

/**
 * Single-precision matrix multiplication over row-major float arrays, C overwritten (no accumulate).
 *
 * <p>{@link #multiplyTransposed} is the form of a linear layer, Y[N×out] = X[N×in]·Wᵀ with W stored
 * [out×in] as in Hugging Face checkpoints; {@link #multiply} is the plain form. Offsets address a matrix
 * inside a larger array (e.g. one of fused q/k/v weights); rows are contiguous (leading dimension = width).
 */
public interface Gemm {
    /** C[m×n] = A[m×k] · B[n×k]ᵀ, i.e. c[i][j] = Σ_p a[i][p]·b[j][p]. */
    void multiplyTransposed(int m, int n, int k, float[] a, int aOffset, float[] b, int bOffset, float[] c, int cOffset);

    /** C[m×n] = A[m×k] · B[k×n], i.e. c[i][j] = Σ_p a[i][p]·b[p][j]. */
    void multiply(int m, int n, int k, float[] a, int aOffset, float[] b, int bOffset, float[] c, int cOffset);

    /**
     * The fastest available implementation: OpenBLAS when its natives load, else the Vector API kernel, else
     * the naive loops; {@code -Dglimpse.gemm=openblas|panama|naive} forces one (see {@link GemmProvider}).
     *
     * @throws IllegalStateException when the forced backend cannot load or the property names none
     */
    static Gemm get() {
        return GemmProvider.gemm();
    }

    /**
     * Rejects negative sizes and matrices that do not fit their arrays.
     *
     * @throws IllegalArgumentException naming the offending operand
     */
    static void checkShapes(int m, int n, int k, float[] a, int aOffset, float[] b, int bOffset, float[] c, int cOffset) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("gemm sizes must be non-negative, got m=" + m + " n=" + n + " k=" + k);
        }
        checkFits("A", a, aOffset, (long) m * k);
        checkFits("B", b, bOffset, (long) n * k);
        checkFits("C", c, cOffset, (long) m * n);
    }

    private static void checkFits(String name, float[] array, int offset, long length) {
        if (offset < 0 || offset + length > array.length) {
            throw new IllegalArgumentException("gemm operand " + name + " needs " + length + " floats from offset "
                    + offset + " but its array holds " + array.length);
        }
    }
}
