package io.glimpse.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RowsAndNormTest {
    @ParameterizedTest
    @CsvSource({"1,1", "3,7", "17,13", "5,64", "64,5", "577,33", "2,1031"})
    void biasAndResidualAreAddedInTorchOrderOnEveryRow(int n, int d) {
        Random rnd = new Random(n * 31L + d);
        float[] x = new float[n * d];
        float[] residual = new float[n * d];
        float[] bias = new float[d];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian() * 100;
            residual[i] = (float) rnd.nextGaussian();
        }
        for (int k = 0; k < d; k++) {
            bias[k] = (float) rnd.nextGaussian() * 1e-3f;
        }
        float[] expected = new float[x.length];
        for (int r = 0; r < n; r++) {
            for (int k = 0; k < d; k++) {
                float withBias = x[r * d + k] + bias[k];
                expected[r * d + k] = withBias + residual[r * d + k];
            }
        }
        Rows.addBias(x, 0, n, d, bias);
        Rows.addResidual(x, residual, n, d);
        assertThat(x).containsExactly(expected);
    }

    @ParameterizedTest
    @CsvSource({"1,1", "3,7", "17,13", "5,64", "9,1031", "577,33"})
    void layerNormMatchesTheDoubleDefinition(int n, int d) {
        Random rnd = new Random(n * 7L + d);
        float[] x = new float[n * d];
        float[] w = new float[d];
        float[] b = new float[d];
        for (int i = 0; i < x.length; i++) {
            // An offset mean and one outlier column, as hidden states of ViTs have.
            x[i] = (float) (rnd.nextGaussian() * 3 + 20 + (i % d == d / 2 ? 300 : 0));
        }
        for (int k = 0; k < d; k++) {
            w[k] = (float) rnd.nextGaussian();
            b[k] = (float) rnd.nextGaussian();
        }
        float[] expected = new float[x.length];
        for (int r = 0; r < n; r++) {
            double mean = 0;
            for (int k = 0; k < d; k++) {
                mean += x[r * d + k];
            }
            mean /= d;
            double var = 0;
            for (int k = 0; k < d; k++) {
                var += (x[r * d + k] - mean) * (x[r * d + k] - mean);
            }
            double inv = 1 / Math.sqrt(var / d + 1e-5);
            for (int k = 0; k < d; k++) {
                expected[r * d + k] = (float) ((x[r * d + k] - mean) * inv * w[k] + b[k]);
            }
        }
        new Norm.Layer(w, b, 1e-5).apply(x, n, x);
        for (int i = 0; i < x.length; i++) {
            assertThat(x[i]).as("element %d", i).isCloseTo(expected[i], within(2e-5f * (1 + Math.abs(expected[i]))));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 7, 577, 1001})
    void rowBlocksCoverEveryRowOnceInContiguousBlocks(int n) {
        AtomicIntegerArray seen = new AtomicIntegerArray(n);
        Rows.blocks(n, (r0, r1) -> {
            assertThat(r0).isLessThanOrEqualTo(r1);
            for (int r = r0; r < r1; r++) {
                seen.incrementAndGet(r);
            }
        });
        for (int r = 0; r < n; r++) {
            assertThat(seen.get(r)).as("row %d", r).isEqualTo(1);
        }
    }
}
