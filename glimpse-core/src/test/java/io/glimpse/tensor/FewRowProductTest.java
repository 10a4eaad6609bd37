package io.glimpse.tensor;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The few-row product against a naive double-precision reference written here, on both kernels (Vector API and
 * scalar) over odd sizes (every edge of the 4 × 4 tile and every lane tail), and over stored formats through
 * {@link FewRowProduct}; and its sums do not depend on the thread count, the tile a row falls in or the rows beside
 * it, so a row decoded in a batch gets the bits it gets alone.
 */
class FewRowProductTest {
    private static RowTileKernel panama;

    @BeforeAll
    static void kernels() {
        panama = VectorOpsProvider.choose(RowTileKernel.class, "PanamaRowTileKernel", null, () -> null);
    }

    private static float[] gaussian(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rnd.nextGaussian();
        }
        return a;
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void tilesMatchTheNaiveProductAtOddSizes(boolean vector) {
        RowTileKernel kernel = vector ? panama : new ScalarRowTileKernel();
        assumeThat(kernel).as("Vector API kernel").isNotNull();
        Random rnd = new Random(vector ? 1 : 2);
        for (int m : new int[] {1, 3, 4, 5, 9}) {
            for (int k : new int[] {1, 7, 16, 17, 33, 100}) {
                for (int cols : new int[] {1, 3, 4, 6, 17}) {
                    int xo = 2;
                    int wo = 3;
                    int ldy = cols + 5;
                    float[] x = gaussian(rnd, xo + m * k);
                    float[] w = gaussian(rnd, wo + cols * k);
                    float[] y = new float[1 + m * ldy];
                    Arrays.fill(y, Float.NaN);
                    kernel.multiply(m, k, x, xo, w, wo, cols, y, 1, ldy);
                    for (int r = 0; r < m; r++) {
                        for (int c = 0; c < ldy; c++) {
                            float got = y[1 + r * ldy + c];
                            if (c >= cols) {
                                assertThat(got).as("untouched column").isNaN();
                                continue;
                            }
                            double want = 0;
                            for (int i = 0; i < k; i++) {
                                want += (double) x[xo + r * k + i] * w[wo + c * k + i];
                            }
                            assertThat((double) got).as("m=%d k=%d cols=%d (%d,%d)", m, k, cols, r, c)
                                    .isCloseTo(want, org.assertj.core.data.Offset.offset(1e-5 * Math.sqrt(k) * 4));
                        }
                    }
                    assertThat(y[0]).isNaN();
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(WeightFormat.class)
    void storedFormatsMatchTheirDequantizedWeights(WeightFormat f) {
        Random rnd = new Random(f.ordinal() + 10);
        int k = 96;
        WeightMatrix a = WeightQuantizer.quantize(gaussian(rnd, 37 * k), 37, k, f);
        WeightMatrix b = WeightQuantizer.quantize(gaussian(rnd, 90 * k), 90, k, WeightFormat.Q8_0);
        WeightStack stack = WeightStack.of(a, b);
        float[] wa = a.toFloats();
        float[] wb = b.toFloats();
        for (int m : new int[] {3, 6, 13}) {
            float[] x = gaussian(rnd, 4 + m * k);
            float[] y = new float[7 + m * 127];
            FewRowProduct.multiplyTransposed(stack, Parallel.of(3), m, x, 4, y, 7);
            for (int r = 0; r < m; r++) {
                for (int j = 0; j < 127; j++) {
                    float[] wf = j < 37 ? wa : wb;
                    int row = j < 37 ? j : j - 37;
                    double want = 0;
                    for (int i = 0; i < k; i++) {
                        want += (double) x[4 + r * k + i] * wf[row * k + i];
                    }
                    assertThat((double) y[7 + r * 127 + j]).as("%s m=%d (%d,%d)", f, m, r, j)
                            .isCloseTo(want, org.assertj.core.data.Offset.offset(1e-4 * Math.sqrt(k)));
                }
            }
            assertThat(y[6]).isZero();
        }
    }

    @Test
    void aRowGetsTheSameBitsWhateverTheThreadsAndTheRowsBesideIt() {
        Random rnd = new Random(4);
        int n = 1000;
        int k = 224;
        WeightStack w = WeightStack.of(WeightQuantizer.quantize(gaussian(rnd, n * k), n, k, WeightFormat.Q4_0));
        int m = 11;
        float[] x = gaussian(rnd, m * k);
        float[] one = new float[m * n];
        float[] three = new float[m * n];
        FewRowProduct.multiplyTransposed(w, Parallel.of(1), m, x, 0, one, 0);
        FewRowProduct.multiplyTransposed(w, Parallel.of(3), m, x, 0, three, 0);
        assertThat(three).isEqualTo(one);
        for (int r = 0; r < m; r++) {
            float[] alone = new float[n];
            FewRowProduct.multiplyTransposed(w, Parallel.of(2), 1, x, r * k, alone, 0);
            assertThat(alone).as("row %d", r).isEqualTo(Arrays.copyOfRange(one, r * n, (r + 1) * n));
        }
    }
}
