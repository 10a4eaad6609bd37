package io.glimpse.tensor;

/**
 * Triple-loop GEMM with double accumulation: the reference the fast implementations are tested against,
 * and the fallback when the Vector API is absent.
 */
public final class NaiveGemm implements Gemm {
    @Override
    public void multiplyTransposed(int m, int n, int k, float[] a, int aOffset, float[] b, int bOffset, float[] c, int cOffset) {
        Gemm.checkShapes(m, n, k, a, aOffset, b, bOffset, c, cOffset);
        compute(m, n, k, a, aOffset, b, bOffset, 1, k, c, cOffset);
    }

    @Override
    public void multiply(int m, int n, int k, float[] a, int aOffset, float[] b, int bOffset, float[] c, int cOffset) {
        Gemm.checkShapes(m, n, k, a, aOffset, b, bOffset, c, cOffset);
        compute(m, n, k, a, aOffset, b, bOffset, n, 1, c, cOffset);
    }

    /** b[p][j] lives at bOffset + p*bStrideP + j*bStrideJ, which covers both layouts of B. */
    private static void compute(int m, int n, int k, float[] a, int aOffset, float[] b, int bOffset, int bStrideP,
                                int bStrideJ, float[] c, int cOffset) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += (double) a[aOffset + i * k + p] * b[bOffset + p * bStrideP + j * bStrideJ];
                }
                c[cOffset + i * n + j] = (float) s;
            }
        }
    }
}
