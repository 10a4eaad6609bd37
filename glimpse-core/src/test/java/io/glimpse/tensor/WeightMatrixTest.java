package io.glimpse.tensor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WeightMatrixTest {

    private static float[] gaussian(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rnd.nextGaussian();
        }
        return a;
    }

    /** Reference y = x·Wᵀ in double over the dequantized weights. */
    private static double[] reference(WeightMatrix w, int m, float[] x) {
        float[] wf = w.toFloats();
        double[] y = new double[m * w.rows()];
        for (int r = 0; r < m; r++) {
            for (int j = 0; j < w.rows(); j++) {
                for (int i = 0; i < w.cols(); i++) {
                    y[r * w.rows() + j] += (double) x[r * w.cols() + i] * wf[j * w.cols() + i];
                }
            }
        }
        return y;
    }

    /** The naive GEMM on heap panels, and OpenBLAS widening the stored matrix itself (whole, and in tiles of 5 rows). */
    private static java.util.List<Gemm> gemms(int cols) {
        java.util.List<Gemm> out = new java.util.ArrayList<>(java.util.List.of(new NaiveGemm()));
        if (GemmTest.openBlasLoads()) {
            out.add(new OpenBlasGemm());
            out.add(new OpenBlasGemm(5L * cols));
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(WeightFormat.class)
    void matVecAndTiledGemmPathsGiveTheSameProduct(WeightFormat f) {
        Random rnd = new Random(f.ordinal());
        int rows = 37;
        int cols = f.quantizable() ? 96 : 256;
        WeightMatrix w = f.quantizable() ? WeightQuantizer.quantize(gaussian(rnd, rows * cols), rows, cols, f)
                : WeightKernelsTest.randomMatrix(f, rows, cols, rnd);
        for (int m : new int[] {1, 2, 3, 9, FewRowProduct.MAX_ROWS + 3}) {
            float[] x = gaussian(rnd, m * cols);
            double[] ref = reference(w, m, x);
            for (Gemm gemm : gemms(cols)) {
                for (long panel : new long[] {WeightMatrix.PANEL_FLOATS, 5L * cols}) {
                    for (Parallel pool : new Parallel[] {Parallel.of(1), Parallel.of(3)}) {
                        float[] y = new float[m * rows];
                        WeightProducts.multiplyTransposed(WeightStack.of(w), pool, gemm, m, x, 0, y, 0, panel);
                        for (int i = 0; i < y.length; i++) {
                            assertThat((double) y[i]).as("%s m=%d panel=%d element %d", gemm, m, panel, i)
                                    .isCloseTo(ref[i], org.assertj.core.data.Offset.offset(1e-4 * Math.sqrt(cols)
                                            + 1e-5 * Math.abs(ref[i])));
                        }
                    }
                }
            }
        }
    }

    @Test
    void stackedPartsInDifferentFormatsWriteTheirOwnColumnsAtOffsets() {
        Random rnd = new Random(3);
        WeightMatrix a = WeightQuantizer.quantize(gaussian(rnd, 40 * 64), 40, 64, WeightFormat.Q4_0);
        WeightMatrix b = WeightQuantizer.quantize(gaussian(rnd, 300 * 64), 300, 64, WeightFormat.BF16);
        WeightStack stack = WeightStack.of(a, b);
        for (int m : new int[] {1, 2, 4, FewRowProduct.MAX_ROWS + 2}) {
            for (Gemm gemm : gemms(64)) {
                float[] x = gaussian(rnd, 3 + m * 64);
                float[] y = new float[5 + m * 340];
                WeightProducts.multiplyTransposed(stack, Parallel.of(2), gemm, m, x, 3, y, 5, 7L * 64);
                float[] xs = java.util.Arrays.copyOfRange(x, 3, x.length);
                double[] ya = reference(a, m, xs);
                double[] yb = reference(b, m, xs);
                for (int r = 0; r < m; r++) {
                    for (int j = 0; j < 340; j++) {
                        double want = j < 40 ? ya[r * 40 + j] : yb[r * 300 + j - 40];
                        assertThat((double) y[5 + r * 340 + j]).as("%s m=%d (%d, %d)", gemm, m, r, j)
                                .isCloseTo(want, org.assertj.core.data.Offset.offset(1e-3));
                    }
                }
                assertThat(y[0]).isZero();
            }
        }
    }

    @Test
    void jobsRunOnThePoolTheyAreGiven() throws Exception {
        assertThat(Parallel.of(3).run(() -> Parallel.current().threads())).isEqualTo(3);
        assertThat(Parallel.current().threads()).isEqualTo(Runtime.getRuntime().availableProcessors());
    }

    @Test
    void resultsDoNotDependOnTheRunForAGivenThreadCount() {
        Random rnd = new Random(5);
        WeightMatrix w = WeightQuantizer.quantize(gaussian(rnd, 1024 * 64), 1024, 64, WeightFormat.Q8_0);
        float[] x = gaussian(rnd, 64);
        float[] a = new float[1024];
        float[] b = new float[1024];
        w.multiplyTransposed(Parallel.of(2), Gemm.get(), 1, x, a);
        w.multiplyTransposed(Parallel.of(2), Gemm.get(), 1, x, b);
        assertThat(b).isEqualTo(a);
    }

    @Test
    void shapesThatDoNotFitTheBytesAreRefused() {
        assertThatThrownBy(() -> WeightMatrix.of(WeightFormat.Q8_0, 2, 33, java.lang.foreign.MemorySegment.ofArray(new byte[68])))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiple of 32");
        assertThatThrownBy(() -> WeightMatrix.of(WeightFormat.F16, 2, 3, java.lang.foreign.MemorySegment.ofArray(new byte[10])))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs 12 bytes");
    }

    @Test
    void quantizersRoundAsLlamaCppDoes() {
        float[] w = new float[32];
        for (int i = 0; i < 32; i++) {
            w[i] = (i - 12) * 0.25f;
        }
        // Q8_0: d = 4.75/127; ±half steps round away from zero, and the largest weight maps to 127
        float[] q8 = WeightQuantizer.quantize(w, 1, 32, WeightFormat.Q8_0).toFloats();
        float d8 = Float.float16ToFloat(Float.floatToFloat16(4.75f / 127));
        assertThat(q8[31]).isEqualTo(127 * d8);
        for (int i = 0; i < 32; i++) {
            assertThat(Math.abs(q8[i] - w[i])).isLessThanOrEqualTo(d8 / 2 + 1e-3f);
        }
        // Q4_0: the largest-magnitude weight (4.75) gets code 0, i.e. -8·d with d = -4.75/8
        float[] q4 = WeightQuantizer.quantize(w, 1, 32, WeightFormat.Q4_0).toFloats();
        float d4 = Float.float16ToFloat(Float.floatToFloat16(-4.75f / 8));
        assertThat(q4[31]).isEqualTo(-8 * d4);
        for (int i = 0; i < 32; i++) {
            assertThat(Math.abs(q4[i] - w[i])).isLessThanOrEqualTo(Math.abs(d4) / 2 + 1e-3f);
        }
        float[] zeros = WeightQuantizer.quantize(new float[64], 2, 32, WeightFormat.Q4_0).toFloats();
        for (float z : zeros) {
            assertThat(z == 0).as("all-zero blocks decode to zeros (d = -0)").isTrue();
        }
    }

    @Test
    void convertingAStoredMatrixKeepsWhatTheTargetCanHold() {
        Random rnd = new Random(9);
        float[] w = gaussian(rnd, 64 * 64);
        WeightMatrix bf16 = WeightQuantizer.quantize(w, 64, 64, WeightFormat.BF16);
        float[] viaBf16 = WeightQuantizer.convert(bf16, WeightFormat.F32).toFloats();
        assertThat(viaBf16).isEqualTo(bf16.toFloats());
        assertThat(WeightQuantizer.convert(bf16, WeightFormat.BF16)).isSameAs(bf16);
        assertThat(WeightQuantizer.quantize(w, 64, 64, WeightFormat.F32).toFloats()).isEqualTo(w);
    }
}
