package io.glimpse.vision;

/**
 * Row-major float matrix products for the encoder, with the signature of the shared Gemm interface so the tower
 * switches to the blocked kernel by changing this class alone.
 */
final class Matmul {
    private Matmul() {
    }

    /** C[m×n] = A[m×k] · B[n×k]ᵀ (a linear layer with weight B stored [out×in]). */
    static void multiplyTransposed(int m, int n, int k, float[] a, int aOffset, float[] b, int bOffset, float[] c, int cOffset) {
        for (int i = 0; i < m; i++) {
            int ai = aOffset + i * k;
            for (int j = 0; j < n; j++) {
                int bj = bOffset + j * k;
                float s = 0;
                for (int p = 0; p < k; p++) {
                    s += a[ai + p] * b[bj + p];
                }
                c[cOffset + i * n + j] = s;
            }
        }
    }

    /** C[m×n] = A[m×k] · B[k×n]. */
    static void multiply(int m, int n, int k, float[] a, int aOffset, float[] b, int bOffset, float[] c, int cOffset) {
        for (int i = 0; i < m; i++) {
            int ci = cOffset + i * n;
            java.util.Arrays.fill(c, ci, ci + n, 0f);
            for (int p = 0; p < k; p++) {
                float av = a[aOffset + i * k + p];
                int bp = bOffset + p * n;
                for (int j = 0; j < n; j++) {
                    c[ci + j] += av * b[bp + j];
                }
            }
        }
    }
}
