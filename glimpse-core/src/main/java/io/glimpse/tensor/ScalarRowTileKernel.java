package io.glimpse.tensor;

/** {@link RowTileKernel} in plain loops, each output one sequential fused multiply-add chain. */
final class ScalarRowTileKernel implements RowTileKernel {
    @Override
    public void multiply(int m, int k, float[] x, int xo, float[] w, int wo, int cols, float[] y, int yo, int ldy) {
        for (int c = 0; c < cols; c++) {
            for (int r = 0; r < m; r++) {
                float sum = 0;
                for (int i = 0; i < k; i++) {
                    sum = Math.fma(x[xo + r * k + i], w[wo + c * k + i], sum);
                }
                y[yo + r * ldy + c] = sum;
            }
        }
    }
}
