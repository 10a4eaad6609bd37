package io.glimpse.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GemmTest {
    static Stream<Arguments> shapes() {
        int[] sizes = {1, 3, 17, 63, 65, 130};
        Stream.Builder<Arguments> b = Stream.builder();
        for (int m : sizes) {
            for (int n : sizes) {
                b.add(Arguments.of(m, n, (m * 7 + n * 3) % 300 + 1));
            }
        }
        // k beyond one k-block (256) exercises the accumulate path; 513 leaves a 1-wide last block.
        b.add(Arguments.of(9, 33, 513));
        b.add(Arguments.of(70, 17, 257));
        return b.build();
    }

    private static float[] random(Random rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = rnd.nextFloat() * 2 - 1;
        }
        return x;
    }

    private static Gemm panama(int threads) {
        assumeTrue(VectorOpsProvider.vectorModulePresent(), "Vector API not available");
        return new PanamaGemm(threads);
    }

    /** |c - ref| within float rounding of a k-term sum of products of magnitude ≤ 1. */
    private static void assertClose(float[] c, float[] ref, int k) {
        double tol = 1e-6 * k + 1e-6;
        for (int i = 0; i < ref.length; i++) {
            assertThat((double) c[i]).as("element %d", i).isCloseTo(ref[i], org.assertj.core.api.Assertions.offset(tol));
        }
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void transposedFormMatchesNaiveReference(int m, int n, int k) {
        Random rnd = new Random(m * 1000L + n * 10L + k);
        float[] a = random(rnd, 2 + m * k);
        float[] b = random(rnd, 5 + n * k);
        float[] ref = new float[3 + m * n];
        float[] c = new float[3 + m * n];
        java.util.Arrays.fill(c, 99f);
        new NaiveGemm().multiplyTransposed(m, n, k, a, 2, b, 5, ref, 3);
        panama(2).multiplyTransposed(m, n, k, a, 2, b, 5, c, 3);
        assertThat(c[0]).isEqualTo(99f);
        assertClose(c, refWithPrefix(ref, c), k);
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void plainFormMatchesNaiveReference(int m, int n, int k) {
        Random rnd = new Random(m * 999L + n * 7L + k);
        float[] a = random(rnd, m * k);
        float[] b = random(rnd, n * k);
        float[] ref = new float[m * n];
        float[] c = new float[m * n];
        new NaiveGemm().multiply(m, n, k, a, 0, b, 0, ref, 0);
        panama(2).multiply(m, n, k, a, 0, b, 0, c, 0);
        assertClose(c, ref, k);
    }

    private static float[] refWithPrefix(float[] ref, float[] c) {
        float[] r = ref.clone();
        System.arraycopy(c, 0, r, 0, 3);
        return r;
    }

    @Test
    void naiveReferenceComputesAHandExample() {
        // A = [[1,2],[3,4]], B = [[5,6],[7,8]] (as rows); A·Bᵀ = [[17,23],[39,53]], A·B = [[19,22],[43,50]].
        float[] a = {1, 2, 3, 4};
        float[] b = {5, 6, 7, 8};
        float[] c = new float[4];
        new NaiveGemm().multiplyTransposed(2, 2, 2, a, 0, b, 0, c, 0);
        assertThat(c).containsExactly(17, 23, 39, 53);
        new NaiveGemm().multiply(2, 2, 2, a, 0, b, 0, c, 0);
        assertThat(c).containsExactly(19, 22, 43, 50);
        panama(1).multiplyTransposed(2, 2, 2, a, 0, b, 0, c, 0);
        assertThat(c).containsExactly(17, 23, 39, 53);
        panama(1).multiply(2, 2, 2, a, 0, b, 0, c, 0);
        assertThat(c).containsExactly(19, 22, 43, 50);
    }

    @Test
    void resultDoesNotDependOnTheThreadCount() {
        Random rnd = new Random(5);
        int m = 130;
        int n = 65;
        int k = 300;
        float[] a = random(rnd, m * k);
        float[] b = random(rnd, n * k);
        float[] c1 = new float[m * n];
        float[] c3 = new float[m * n];
        panama(1).multiplyTransposed(m, n, k, a, 0, b, 0, c1, 0);
        panama(3).multiplyTransposed(m, n, k, a, 0, b, 0, c3, 0);
        assertThat(c3).containsExactly(c1);
    }

    @Test
    void emptyInnerDimensionGivesZeros() {
        float[] c = {7, 7, 7, 7, 7, 7};
        panama(2).multiplyTransposed(2, 3, 0, new float[0], 0, new float[0], 0, c, 0);
        assertThat(c).containsOnly(0f);
    }

    @Test
    void operandsThatDoNotFitAreRejected() {
        assertThatThrownBy(() -> Gemm.get().multiplyTransposed(2, 2, 3, new float[5], 0, new float[6], 0, new float[4], 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("operand A");
        assertThatThrownBy(() -> new NaiveGemm().multiply(2, 2, 3, new float[6], 0, new float[6], 1, new float[4], 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("operand B");
        assertThatThrownBy(() -> new NaiveGemm().multiply(-1, 2, 3, new float[6], 0, new float[6], 0, new float[4], 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("non-negative");
    }
}
