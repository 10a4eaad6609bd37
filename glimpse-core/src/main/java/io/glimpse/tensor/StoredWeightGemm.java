package io.glimpse.tensor;

/**
 * A GEMM that multiplies by a stored weight matrix itself, widening its rows where its kernel reads them, instead of
 * being handed f32 panels that {@link WeightProducts} widened on the heap.
 */
interface StoredWeightGemm {
    /**
     * C[m × w.rows()] = A[m × w.cols()]·Wᵀ, C's rows {@code ldc} floats apart from {@code cOffset}.
     *
     * @throws IllegalArgumentException when A or C do not hold the rows
     */
    void multiplyTransposed(int m, float[] a, int aOffset, WeightMatrix w, float[] c, int cOffset, int ldc);
}
