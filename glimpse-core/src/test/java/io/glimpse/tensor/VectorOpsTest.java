package io.glimpse.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class VectorOpsTest {
    /** Sizes with every kind of tail relative to 4, 8 and 16 lanes (Lucene's TestVectorUtilSupport). */
    static IntStream sizes() {
        return IntStream.of(1, 4, 6, 8, 13, 16, 25, 32, 64, 100, 128, 207, 256, 300, 512, 702, 1024, 1536, 2046,
                2048, 4096, 4098);
    }

    private static VectorOps scalar;
    private static VectorOps panama;

    @BeforeAll
    static void providers() {
        scalar = new ScalarVectorOps();
        panama = VectorOpsProvider.choose(VectorOps.class, "PanamaVectorOps", null, () -> null);
    }

    private static float[] random(Random rnd, int n, int offset) {
        float[] x = new float[n + offset];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextFloat() * 2 - 1;
        }
        return x;
    }

    private static float[] extreme(int n, float value) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (i % 3 == 1) ? -value : value;
        }
        return x;
    }

    private static void close(float actual, float expected, int size) {
        assertThat((double) actual).isCloseTo(expected,
                offset(1e-5 * size * Math.max(1.0, Math.abs(expected))));
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void expShiftedMatchesMathExpOnBothPaths(int size) {
        Random rnd = new Random(size);
        float[] x = random(rnd, size, 2);
        for (int i = 0; i < x.length; i++) {
            x[i] *= 40;
        }
        for (VectorOps ops : new VectorOps[] {scalar, panama}) {
            if (ops == null) {
                continue;
            }
            float[] y = x.clone();
            float sum = ops.expShifted(y, 2, size, 3f);
            double expectedSum = 0;
            for (int i = 0; i < size; i++) {
                double e = Math.exp(x[2 + i] - 3f);
                expectedSum += e;
                assertThat((double) y[2 + i]).isCloseTo(e, offset(1e-6 * e));
            }
            assertThat(y[0]).isEqualTo(x[0]);
            assertThat((double) sum).isCloseTo(expectedSum, offset(1e-5 * expectedSum));
        }
    }

    @Test
    void expShiftedHandlesTheEdgesOfTheFloatRange() {
        float[] edges = {Float.NEGATIVE_INFINITY, -200f, -103f, -87.5f, -20f, -1e-8f, 0f, 1e-8f, 0.3465f, 20f, 88.5f,
                88.8f, 200f, Float.POSITIVE_INFINITY, Float.NaN, 1f, 2f};
        for (VectorOps ops : new VectorOps[] {scalar, panama}) {
            if (ops == null) {
                continue;
            }
            float[] y = edges.clone();
            ops.expShifted(y, 0, y.length, 0f);
            for (int i = 0; i < edges.length; i++) {
                double e = Math.exp(edges[i]);
                if (Double.isNaN(e)) {
                    assertThat(y[i]).isNaN();
                } else if (e > Float.MAX_VALUE) {
                    assertThat(y[i]).isEqualTo(Float.POSITIVE_INFINITY);
                } else {
                    assertThat((double) y[i]).as("exp(%s)", edges[i]).isCloseTo(e, offset(1e-6 * e + 1e-44));
                }
            }
        }
    }

    /**
     * The fused gated SiLU gives each element the bits of expShifted's exponential of -g followed by the float add,
     * divide and multiply (what the decoder computed in three passes before), on both paths, from any offsets.
     */
    @ParameterizedTest
    @MethodSource("sizes")
    void swiGluHasTheBitsOfExpShiftedThenTheGate(int size) {
        Random rnd = new Random(11L * size + 1);
        float[] gate = random(rnd, size, 2);
        float[] up = random(rnd, size, 5);
        for (int i = 0; i < gate.length; i++) {
            gate[i] *= 30;
        }
        for (VectorOps ops : new VectorOps[] {scalar, panama}) {
            if (ops == null) {
                continue;
            }
            float[] e = new float[size];
            for (int i = 0; i < size; i++) {
                e[i] = -gate[2 + i];
            }
            ops.expShifted(e, 0, size, 0f);
            float[] out = new float[size + 4];
            ops.swiGlu(gate, 2, up, 5, out, 1, size);
            assertThat(out[0]).isZero();
            for (int i = 0; i < size; i++) {
                float want = gate[2 + i] / (1f + e[i]) * up[5 + i];
                assertThat(Float.floatToRawIntBits(out[1 + i])).as("element %d of %d", i, size)
                        .isEqualTo(Float.floatToRawIntBits(want));
            }
            assertThat(out[size + 1]).isZero();
        }
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void sigmoidGateMatchesItsDefinitionInDoubleOnBothPaths(int size) {
        Random rnd = new Random(7L * size);
        float[] x = random(rnd, size, 3);
        for (int i = 0; i < x.length; i++) {
            x[i] *= 12;
        }
        float[][] gates = {{1.702f, 0f}, {1.5957691f, 0.0713548f}, {1f, 0f}};
        for (VectorOps ops : new VectorOps[] {scalar, panama}) {
            if (ops == null) {
                continue;
            }
            for (float[] g : gates) {
                float[] y = x.clone();
                ops.sigmoidGate(y, 3, size, g[0], g[1]);
                for (int i = 0; i < 3; i++) {
                    assertThat(y[i]).isEqualTo(x[i]);
                }
                for (int i = 0; i < size; i++) {
                    double v = x[3 + i];
                    double expected = v / (1 + Math.exp(-v * (g[0] + g[1] * v * v)));
                    // Far in the negative tail the gate is e^z·x with z rounded to float: relative error grows
                    // with |z|, but stays negligible against |x|.
                    assertThat((double) y[3 + i]).as("gate(%s) at %d", v, i)
                            .isCloseTo(expected, offset(2e-6 * Math.abs(expected) + 1e-10 * Math.abs(v)));
                }
            }
        }
    }

    @Test
    void sigmoidGateSaturatesWithoutNaN() {
        float[] edges = {-1e30f, -500f, -90f, -60f, -1e-20f, 0f, 1e-20f, 60f, 90f, 500f, 1e30f, -3f, 3f, 0.5f, -0.5f, 2f, 7f};
        for (VectorOps ops : new VectorOps[] {scalar, panama}) {
            if (ops == null) {
                continue;
            }
            float[] y = edges.clone();
            ops.sigmoidGate(y, 0, y.length, 1.5957691f, 0.0713548f);
            for (int i = 0; i < edges.length; i++) {
                double v = edges[i];
                double expected = v > 0 && v * v > 1e10 ? v : v < 0 && v * v > 1e10 ? 0 : v / (1 + Math.exp(-v * (1.5957691 + 0.0713548 * v * v)));
                assertThat((double) y[i]).as("gate(%s)", v).isCloseTo(expected, offset(2e-6 * Math.abs(expected) + 1e-10 * Math.abs(v)));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void sumAndMaxMatchTheScalarDefinitionsAtOffsets(int size) {
        Random rnd = new Random(13L * size);
        float[] x = random(rnd, size, 4);
        x[4 + rnd.nextInt(size)] = 3.5f;
        x[0] = 100f;
        double exact = 0;
        for (int i = 0; i < size; i++) {
            exact += x[4 + i];
        }
        for (VectorOps ops : new VectorOps[] {scalar, panama}) {
            if (ops == null) {
                continue;
            }
            close(ops.sum(x, 4, size), (float) exact, size);
            assertThat(ops.max(x, 4, size)).isEqualTo(3.5f);
            assertThat(ops.max(x, 4, 0)).isEqualTo(Float.NEGATIVE_INFINITY);
            float[] withNaN = x.clone();
            withNaN[4 + size - 1] = Float.NaN;
            assertThat(ops.max(withNaN, 4, size)).isNaN();
        }
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void dotAndSumSquaresAgreeOnRandomInputsAtOffsets(int size) {
        assumeTrue(panama != null, "Vector API not available");
        Random rnd = new Random(size);
        float[] a = random(rnd, size, 3);
        float[] b = random(rnd, size, 5);
        close(panama.dot(a, 3, b, 5, size), scalar.dot(a, 3, b, 5, size), size);
        close(panama.sumSquares(a, 3, size), scalar.sumSquares(a, 3, size), size);
        double exact = 0;
        for (int i = 0; i < size; i++) {
            exact += (double) a[3 + i] * b[5 + i];
        }
        close(panama.dot(a, 3, b, 5, size), (float) exact, size);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void dotAgreesOnExtremeInputs(int size) {
        assumeTrue(panama != null, "Vector API not available");
        // Large magnitudes whose squares stay finite for every size tested.
        float[] a = extreme(size, 1e15f);
        float[] b = extreme(size, 1e15f);
        float s = scalar.dot(a, 0, b, 0, size);
        close(s, (float) ((double) 1e15f * 1e15f * size), size);
        close(panama.dot(a, 0, b, 0, size), s, size);
        close(panama.sumSquares(a, 0, size), scalar.sumSquares(a, 0, size), size);
        float[] tiny = extreme(size, Float.MIN_NORMAL);
        assertThat(panama.dot(tiny, 0, tiny, 0, size)).isEqualTo(scalar.dot(tiny, 0, tiny, 0, size));
    }

    /** Row counts of one to nine, rows wider than n (a stride), at offsets, against sums in double. */
    @ParameterizedTest
    @MethodSource("sizes")
    void weightedRowSumMatchesItsDefinitionOnBothPaths(int size) {
        Random rnd = new Random(17L * size);
        for (VectorOps ops : new VectorOps[] {scalar, panama}) {
            if (ops == null) {
                continue;
            }
            for (int rows : new int[] {1, 3, 4, 7, 9}) {
                int stride = size + 3;
                float[] a = random(rnd, rows * stride, 5);
                float[] p = random(rnd, rows, 1);
                float[] y = random(rnd, size + 3, 0);
                float[] y0 = y.clone();
                ops.weightedRowSum(p, 1, rows, a, 5, stride, y, 2, size);
                for (int i = 0; i < y.length; i++) {
                    if (i < 2 || i >= size + 2) {
                        assertThat(y[i]).as("untouched %d", i).isEqualTo(y0[i]);
                        continue;
                    }
                    double ref = y0[i];
                    for (int j = 0; j < rows; j++) {
                        ref += (double) p[1 + j] * a[5 + j * stride + i - 2];
                    }
                    close(y[i], (float) ref, rows);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void axpyAgreesAndLeavesTheRestUntouched(int size) {
        assumeTrue(panama != null, "Vector API not available");
        Random rnd = new Random(31L * size);
        float[] x = random(rnd, size, 2);
        float[] y0 = random(rnd, size + 4, 1);
        float[] ys = y0.clone();
        float[] yp = y0.clone();
        scalar.axpy(-1.75f, x, 2, ys, 1, size);
        panama.axpy(-1.75f, x, 2, yp, 1, size);
        for (int i = 0; i < yp.length; i++) {
            if (i < 1 || i >= size + 1) {
                assertThat(yp[i]).as("untouched %d", i).isEqualTo(y0[i]);
            } else {
                close(yp[i], ys[i], 1);
                close(yp[i], y0[i] - 1.75f * x[2 + i - 1], 1);
            }
        }
    }

    @Test
    void providerPicksTheVectorKernelsWhenTheModuleIsReadable() {
        VectorOps chosen = VectorOps.get();
        if (VectorOpsProvider.vectorModulePresent() && jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 128) {
            assertThat(chosen).isInstanceOf(PanamaVectorOps.class);
        } else {
            assertThat(chosen).isInstanceOf(ScalarVectorOps.class);
        }
    }

    @Test
    void surefireRunsWithTheVectorModule() {
        // The build passes --add-modules=jdk.incubator.vector; losing it would silently lose the fast path.
        assertThat(VectorOpsProvider.vectorModulePresent()).isTrue();
    }

    @Test
    void propertyFalseForcesScalar() {
        assertThat(VectorOpsProvider.choose(VectorOps.class, "PanamaVectorOps", "false", ScalarVectorOps::new))
                .isInstanceOf(ScalarVectorOps.class);
        assertThat(VectorOpsProvider.choose(Gemm.class, "PanamaGemm", "FALSE", NaiveGemm::new))
                .isInstanceOf(NaiveGemm.class);
    }

    @Test
    void missingVectorClassFallsBack() {
        assertThat(VectorOpsProvider.choose(VectorOps.class, "NoSuchOps", null, ScalarVectorOps::new))
                .isInstanceOf(ScalarVectorOps.class);
    }
}
