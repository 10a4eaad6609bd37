package io.glimpse.nn;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LinearTest {
    /** x·Wᵀ + b in double, the definition both forms must meet. */
    private static double[] reference(float[] x, int rows, float[] w, int out, int in, float[] b) {
        double[] y = new double[rows * out];
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                double s = b == null ? 0 : b[o];
                for (int k = 0; k < in; k++) {
                    s += (double) x[r * in + k] * w[o * in + k];
                }
                y[r * out + o] = s;
            }
        }
        return y;
    }

    private static float[] gaussian(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rnd.nextGaussian();
        }
        return a;
    }

    @ParameterizedTest
    @CsvSource({"1,5,7", "2,33,17", "3,8,64", "40,19,23", "131,9,23"})
    void bothFormsComputeTheLayerAndGiveTheSameBitsOnManyRows(int rows, int out, int in) {
        Random rnd = new Random(rows * 1000L + out * 31L + in);
        float[] w = gaussian(rnd, out * in);
        float[] b = gaussian(rnd, out);
        float[] x = gaussian(rnd, rows * in);
        Linear streamed = Linear.streamed(w, out, in, b);
        Linear prepared = Linear.prepared(w, out, in, b);
        float[] ys = streamed.apply(x, rows);
        float[] yp = prepared.apply(x, rows);
        double[] expected = reference(x, rows, w, out, in, b);
        for (int i = 0; i < expected.length; i++) {
            assertThat((double) ys[i]).as("streamed %d", i).isCloseTo(expected[i], within(1e-4 * (1 + Math.abs(expected[i]))));
            assertThat((double) yp[i]).as("prepared %d", i).isCloseTo(expected[i], within(1e-4 * (1 + Math.abs(expected[i]))));
        }
        if (rows > 128) {
            assertThat(ys).as("above the few-row product's 128 rows both run the same GEMM").containsExactly(yp);
        }
        float[] offset = new float[(rows + 1) * out];
        prepared.apply(x, 0, rows, offset, out);
        for (int i = 0; i < out; i++) {
            assertThat(offset[i]).as("rows before the offset stay untouched").isZero();
        }
        assertThat(Linear.streamed(w, out, in, null).apply(x, rows)[0])
                .isCloseTo((float) reference(x, rows, w, out, in, null)[0], within(1e-4f * (1 + Math.abs((float) expected[0]))));
    }

    @ParameterizedTest
    @CsvSource({"1,8", "3,33", "5,1031"})
    void rmsNormMatchesItsDefinitionInPlaceAndOut(int rows, int d) {
        Random rnd = new Random(rows * 7L + d);
        float[] x = gaussian(rnd, rows * d);
        float[] w = gaussian(rnd, d);
        float eps = 1e-6f;
        float[] out = new float[x.length];
        new Norm.Rms(w, eps).apply(x, rows, out);
        float[] inPlace = x.clone();
        new Norm.Rms(w, eps).apply(inPlace, rows, inPlace);
        assertThat(inPlace).containsExactly(out);
        for (int r = 0; r < rows; r++) {
            double ss = 0;
            for (int k = 0; k < d; k++) {
                ss += (double) x[r * d + k] * x[r * d + k];
            }
            double inv = 1 / Math.sqrt(ss / d + eps);
            for (int k = 0; k < d; k++) {
                double e = w[k] * x[r * d + k] * inv;
                assertThat((double) out[r * d + k]).isCloseTo(e, within(1e-5 * (1 + Math.abs(e))));
            }
        }
    }
}
