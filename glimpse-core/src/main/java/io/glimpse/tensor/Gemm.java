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
     * A right-hand operand B[rows×cols] of {@link #multiplyTransposed} made once for many products, as a linear
     * layer's weight is: each backend keeps it in the form its kernel reads (OpenBLAS in native memory, the Vector
     * API kernel as packed panels), so no call copies or packs it again. Only the Gemm that prepared it accepts it.
     */
    interface Prepared {
        int rows();

        int cols();
    }

    /**
     * B[n×k] at {@code bOffset}, copied into this backend's form; later changes to {@code b} do not reach it. The
     * default keeps a plain copy.
     *
     * @throws IllegalArgumentException for negative sizes or a matrix that does not fit its array
     */
    default Prepared prepareTransposed(int n, int k, float[] b, int bOffset) {
        checkShapes(0, n, k, b, 0, b, bOffset, b, 0);
        return new PreparedMatrix.Copy(this, java.util.Arrays.copyOfRange(b, bOffset, bOffset + n * k), n, k);
    }

    /**
     * C[m×n] = A[m×k] · Bᵀ with B[n×k] prepared by this Gemm: the same product as
     * {@link #multiplyTransposed(int, int, int, float[], int, float[], int, float[], int)} on B's values.
     *
     * @throws IllegalArgumentException when B was prepared by another Gemm or A or C do not fit their arrays
     */
    default void multiplyTransposed(int m, float[] a, int aOffset, Prepared b, float[] c, int cOffset) {
        PreparedMatrix.Copy copy = PreparedMatrix.of(this, b, PreparedMatrix.Copy.class);
        checkShapes(m, a, aOffset, b, c, cOffset);
        multiplyTransposed(m, copy.rows(), copy.cols(), a, aOffset, copy.data, 0, c, cOffset);
    }

    /** What runs the products, for benchmarks and logs: the class, or the library and its kernels. */
    default String describe() {
        return getClass().getSimpleName();
    }

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

    /**
     * Rejects a negative row count and A[m×k] or C[m×n] that do not fit their arrays, for B[n×k] prepared.
     *
     * @throws IllegalArgumentException naming the offending operand
     */
    static void checkShapes(int m, float[] a, int aOffset, Prepared b, float[] c, int cOffset) {
        if (m < 0) {
            throw new IllegalArgumentException("gemm sizes must be non-negative, got m=" + m);
        }
        checkFits("A", a, aOffset, (long) m * b.cols());
        checkFits("C", c, cOffset, (long) m * b.rows());
    }

    private static void checkFits(String name, float[] array, int offset, long length) {
        if (offset < 0 || offset + length > array.length) {
            throw new IllegalArgumentException("gemm operand " + name + " needs " + length + " floats from offset "
                    + offset + " but its array holds " + array.length);
        }
    }
}
