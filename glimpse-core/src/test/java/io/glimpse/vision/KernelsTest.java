package io.glimpse.vision;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class KernelsTest {
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
        Kernels.addBiasAndResidual(x, n, d, bias, residual);
        assertThat(x).containsExactly(expected);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 7, 577, 1001})
    void rowBlocksCoverEveryRowOnceInContiguousBlocks(int n) {
        AtomicIntegerArray seen = new AtomicIntegerArray(n);
        Kernels.rowBlocks(n, (r0, r1) -> {
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
