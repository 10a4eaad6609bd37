package io.glimpse.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class GemmTest {
    /** The fast backends, each checked against the naive reference. */
    enum Backend {
        PANAMA,
        OPENBLAS,
        /** Tiles of 200 floats force the row/column tiling and strided copies that real sizes rarely reach. */
        OPENBLAS_TILED;

        Gemm create() {
            return switch (this) {
                case PANAMA -> {
                    assumeVectorApi();
                    yield new PanamaGemm(2);
                }
                case OPENBLAS -> openBlas(OpenBlasGemm.TILE_FLOATS);
                case OPENBLAS_TILED -> openBlas(200);
            };
        }

        private static Gemm openBlas(long tile) {
            assumeTrue(openBlasLoads(), "OpenBLAS natives not available");
            return new OpenBlasGemm(tile);
        }
    }

    static void assumeVectorApi() {
        assumeTrue(VectorOpsProvider.vectorModulePresent(), "Vector API not available");
    }

    static boolean openBlasLoads() {
        try {
            new OpenBlasGemm();
            return true;
        } catch (LinkageError e) {
            return false;
        }
    }

    static Stream<Arguments> shapes() {
        int[] sizes = {1, 3, 17, 63, 65, 130};
        Stream.Builder<Arguments> b = Stream.builder();
        for (Backend backend : Backend.values()) {
            for (int m : sizes) {
                for (int n : sizes) {
                    b.add(Arguments.of(backend, m, n, (m * 7 + n * 3) % 300 + 1));
                }
            }
            // k beyond one k-block (256) exercises the accumulate path; 513 leaves a 1-wide last block.
            b.add(Arguments.of(backend, 9, 33, 513));
            b.add(Arguments.of(backend, 70, 17, 257));
        }
        return b.build();
    }

    private static float[] random(Random rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = rnd.nextFloat() * 2 - 1;
        }
        return x;
    }

    /** |c - ref| within float rounding of a k-term sum of products of magnitude ≤ 1 (exact where both are 99). */
    private static void assertClose(float[] c, float[] ref, int k) {
        double tol = 1e-6 * k + 1e-6;
        for (int i = 0; i < ref.length; i++) {
            assertThat((double) c[i]).as("element %d", i).isCloseTo(ref[i], offset(tol));
        }
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void transposedFormMatchesNaiveReference(Backend backend, int m, int n, int k) {
        Gemm gemm = backend.create();
        Random rnd = new Random(m * 1000L + n * 10L + k);
        float[] a = random(rnd, 2 + m * k);
        float[] b = random(rnd, 5 + n * k);
        float[] ref = new float[3 + m * n + 1];
        float[] c = new float[ref.length];
        Arrays.fill(ref, 99f);
        Arrays.fill(c, 99f);
        new NaiveGemm().multiplyTransposed(m, n, k, a, 2, b, 5, ref, 3);
        gemm.multiplyTransposed(m, n, k, a, 2, b, 5, c, 3);
        assertClose(c, ref, k);
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void plainFormMatchesNaiveReference(Backend backend, int m, int n, int k) {
        Gemm gemm = backend.create();
        Random rnd = new Random(m * 999L + n * 7L + k);
        float[] a = random(rnd, 1 + m * k);
        float[] b = random(rnd, 4 + n * k);
        float[] ref = new float[2 + m * n + 1];
        float[] c = new float[ref.length];
        Arrays.fill(ref, 99f);
        Arrays.fill(c, 99f);
        new NaiveGemm().multiply(m, n, k, a, 1, b, 4, ref, 2);
        gemm.multiply(m, n, k, a, 1, b, 4, c, 2);
        assertClose(c, ref, k);
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void preparedFormMatchesNaiveReference(Backend backend, int m, int n, int k) {
        Random rnd = new Random(m * 1001L + n * 13L + k);
        float[] a = random(rnd, 3 + m * k);
        float[] b = random(rnd, 2 + n * k);
        float[] ref = new float[1 + m * n + 2];
        Arrays.fill(ref, 99f);
        new NaiveGemm().multiplyTransposed(m, n, k, a, 3, b, 2, ref, 1);
        for (Gemm gemm : new Gemm[] {backend.create(), new NaiveGemm()}) {
            Gemm.Prepared w = gemm.prepareTransposed(n, k, b, 2);
            assertThat(w.rows()).isEqualTo(n);
            assertThat(w.cols()).isEqualTo(k);
            float[] c = new float[ref.length];
            Arrays.fill(c, 99f);
            gemm.multiplyTransposed(m, a, 3, w, c, 1);
            assertClose(c, ref, k);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void preparedMatrixIsASnapshotAndGivesTheUnpreparedBits(Backend backend) {
        Gemm gemm = backend.create();
        Random rnd = new Random(17);
        int m = 37;
        int n = 29;
        int k = 301;
        float[] a = random(rnd, m * k);
        float[] b = random(rnd, n * k);
        float[] expected = new float[m * n];
        gemm.multiplyTransposed(m, n, k, a, 0, b, 0, expected, 0);
        Gemm.Prepared w = gemm.prepareTransposed(n, k, b, 0);
        Arrays.fill(b, 5f);
        float[] c = new float[m * n];
        gemm.multiplyTransposed(m, a, 0, w, c, 0);
        assertThat(c).containsExactly(expected);
        float[] again = new float[m * n];
        gemm.multiplyTransposed(m, a, 0, w, again, 0);
        assertThat(again).containsExactly(c);
    }

    /**
     * An f32 matrix in native memory (as a mapped checkpoint holds it, here at an address that is not 64-byte aligned)
     * is read in place by sgemm: the same bits as the heap path, written at C's row stride, and the matrix's later
     * contents are what the next product reads (no copy is kept).
     */
    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"OPENBLAS", "OPENBLAS_TILED"})
    void nativeF32MatrixIsReadInPlaceWithTheHeapBits(Backend backend) {
        StoredWeightGemm gemm = (StoredWeightGemm) backend.create();
        Random rnd = new Random(23);
        int m = 70;
        int n = 45;
        int k = 131;
        int ldc = n + 3;
        float[] a = random(rnd, m * k);
        float[] b = random(rnd, n * k);
        float[] heap = new float[m * n];
        ((Gemm) gemm).multiplyTransposed(m, n, k, a, 0, b, 0, heap, 0);
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            java.lang.foreign.MemorySegment data = arena.allocate((long) n * k * Float.BYTES + 4, 64).asSlice(4);
            java.lang.foreign.MemorySegment.copy(b, 0, data, java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, 0, n * k);
            WeightMatrix w = new WeightMatrix.F32(n, k, data);
            float[] c = new float[(m - 1) * ldc + n];
            Arrays.fill(c, 7f);
            gemm.multiplyTransposed(m, a, 0, w, c, 0, ldc);
            for (int r = 0; r < m; r++) {
                assertThat(Arrays.copyOfRange(c, r * ldc, r * ldc + n)).as("row %d", r)
                        .containsExactly(Arrays.copyOfRange(heap, r * n, (r + 1) * n));
                if (r + 1 < m) {
                    assertThat(Arrays.copyOfRange(c, r * ldc + n, (r + 1) * ldc)).containsOnly(7f);
                }
            }
            data.fill((byte) 0);
            gemm.multiplyTransposed(m, a, 0, w, c, 0, ldc);
            assertThat(c[0]).isZero();
            assertThat(c[(m - 1) * ldc + n - 1]).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void preparedMatrixIsOnlyAcceptedByItsGemmAndChecksTheOtherOperands(Backend backend) {
        Gemm gemm = backend.create();
        Gemm.Prepared mine = gemm.prepareTransposed(2, 3, new float[7], 1);
        Gemm.Prepared naive = new NaiveGemm().prepareTransposed(2, 3, new float[6], 0);
        assertThatThrownBy(() -> gemm.multiplyTransposed(1, new float[3], 0, naive, new float[2], 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prepared by");
        assertThatThrownBy(() -> new NaiveGemm().multiplyTransposed(1, new float[3], 0, mine, new float[2], 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prepared by");
        assertThatThrownBy(() -> gemm.multiplyTransposed(2, new float[5], 0, mine, new float[4], 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("operand A");
        assertThatThrownBy(() -> gemm.multiplyTransposed(2, new float[6], 0, mine, new float[4], 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("operand C");
        assertThatThrownBy(() -> gemm.prepareTransposed(2, 3, new float[6], 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("operand B");
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void operandsSharingOneArrayGiveTheSeparateResult(Backend backend) {
        Gemm gemm = backend.create();
        int m = 20;
        int n = 30;
        int k = 40;
        Random rnd = new Random(11);
        float[] a = random(rnd, m * k);
        float[] b = random(rnd, n * k);
        float[] ref = new float[m * n];
        new NaiveGemm().multiplyTransposed(m, n, k, a, 0, b, 0, ref, 0);
        // One array laid out [B | gap | A | C], as a fused buffer would be.
        int aOff = n * k + 7;
        int cOff = aOff + m * k;
        float[] all = new float[cOff + m * n];
        System.arraycopy(b, 0, all, 0, n * k);
        System.arraycopy(a, 0, all, aOff, m * k);
        gemm.multiplyTransposed(m, n, k, all, aOff, all, 0, all, cOff);
        assertClose(Arrays.copyOfRange(all, cOff, cOff + m * n), ref, k);
        assertThat(Arrays.copyOfRange(all, aOff, aOff + m * k)).isEqualTo(a);
        assertThat(Arrays.copyOfRange(all, 0, n * k)).isEqualTo(b);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void everyBackendComputesAHandExample(Backend backend) {
        // A = [[1,2],[3,4]], B = [[5,6],[7,8]] (as rows); A·Bᵀ = [[17,23],[39,53]], A·B = [[19,22],[43,50]].
        float[] a = {1, 2, 3, 4};
        float[] b = {5, 6, 7, 8};
        float[] c = new float[4];
        for (Gemm gemm : new Gemm[] {new NaiveGemm(), backend.create()}) {
            gemm.multiplyTransposed(2, 2, 2, a, 0, b, 0, c, 0);
            assertThat(c).containsExactly(17, 23, 39, 53);
            gemm.multiply(2, 2, 2, a, 0, b, 0, c, 0);
            assertThat(c).containsExactly(19, 22, 43, 50);
        }
    }

    /**
     * The common pool's workers clear their thread locals after each task: scratch kept per thread was allocated
     * anew for every product run there and held its native memory until a collection.
     */
    /** A benchmark's line names the kernels that ran, and the variable that forced them when one did. */
    @Test
    void openBlasNamesTheKernelsItRuns() {
        assumeTrue(openBlasLoads(), "OpenBLAS natives not available");
        String forced = System.getenv("OPENBLAS_CORETYPE");
        String suffix = forced == null || forced.isEmpty() ? "" : " (OPENBLAS_CORETYPE=" + forced + ")";
        assertThat(new OpenBlasGemm().describe()).matches("OpenBLAS, [A-Za-z0-9]+ kernels.*").endsWith(" kernels" + suffix)
                .doesNotContain("unnamed");
    }

    @Test
    void openBlasScratchIsReusedByProductsOnTheCommonPool() {
        assumeTrue(openBlasLoads(), "OpenBLAS natives not available");
        Gemm gemm = new OpenBlasGemm();
        int m = 300;
        int n = 200;
        int k = 256;
        Random rnd = new Random(3);
        float[] a = random(rnd, m * k);
        float[] b = random(rnd, n * k);
        float[] c = new float[m * n];
        // Called from outside any pool, as a prefill is: one part runs here, the other on a common-pool worker.
        gemm.multiplyTransposed(m, n, k, a, 0, b, 0, c, 0);
        long before = org.bytedeco.javacpp.Pointer.totalCount();
        for (int i = 0; i < 20; i++) {
            gemm.multiplyTransposed(m, n, k, a, 0, b, 0, c, 0);
        }
        // Three buffers per scratch set, at most one set per thread that ran a part.
        assertThat(org.bytedeco.javacpp.Pointer.totalCount() - before)
                .isLessThanOrEqualTo(3L * (Runtime.getRuntime().availableProcessors() + 1));
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
        assumeVectorApi();
        new PanamaGemm(1).multiplyTransposed(m, n, k, a, 0, b, 0, c1, 0);
        new PanamaGemm(3).multiplyTransposed(m, n, k, a, 0, b, 0, c3, 0);
        assertThat(c3).containsExactly(c1);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void emptyInnerDimensionGivesZeros(Backend backend) {
        float[] c = {7, 7, 7, 7, 7, 7};
        backend.create().multiplyTransposed(2, 3, 0, new float[0], 0, new float[0], 0, c, 0);
        assertThat(c).containsOnly(0f);
        Arrays.fill(c, 7f);
        backend.create().multiply(3, 2, 0, new float[0], 0, new float[0], 0, c, 0);
        assertThat(c).containsOnly(0f);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void operandsThatDoNotFitAreRejected(Backend backend) {
        Gemm gemm = backend.create();
        assertThatThrownBy(() -> gemm.multiplyTransposed(2, 2, 3, new float[5], 0, new float[6], 0, new float[4], 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("operand A");
        assertThatThrownBy(() -> gemm.multiply(2, 2, 3, new float[6], 0, new float[6], 1, new float[4], 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("operand B");
        assertThatThrownBy(() -> gemm.multiply(2, 2, 3, new float[6], 0, new float[6], 0, new float[3], 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("operand C");
        assertThatThrownBy(() -> gemm.multiply(-1, 2, 3, new float[6], 0, new float[6], 0, new float[4], 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("non-negative");
    }

    @Test
    void defaultBackendIsOpenBlasWhenItsNativesLoadWhateverTheVectorFlag() {
        assumeTrue(openBlasLoads(), "OpenBLAS natives not available");
        assertThat(GemmProvider.choose(null, null).gemm()).isInstanceOf(OpenBlasGemm.class);
        assertThat(GemmProvider.choose("", "false").gemm()).isInstanceOf(OpenBlasGemm.class);
        assertThat(Gemm.get()).isInstanceOf(OpenBlasGemm.class);
    }

    @Test
    void propertyForcesABackend() {
        assertThat(GemmProvider.choose("naive", null).gemm()).isInstanceOf(NaiveGemm.class);
        if (VectorOpsProvider.vectorModulePresent()) {
            assertThat(GemmProvider.choose(" Panama ", null).gemm()).isInstanceOf(PanamaGemm.class);
        }
        if (openBlasLoads()) {
            assertThat(GemmProvider.choose("OPENBLAS", "false").gemm()).isInstanceOf(OpenBlasGemm.class);
        }
    }

    @Test
    void forcingAnUnusableOrUnknownBackendIsAnErrorNotAFallback() {
        GemmProvider.Choice panamaOff = GemmProvider.choose("panama", "false");
        assertThat(panamaOff.gemm()).isNull();
        assertThat(panamaOff.error()).contains("glimpse.gemm=panama").contains("Vector API");
        GemmProvider.Choice unknown = GemmProvider.choose("mkl", null);
        assertThat(unknown.gemm()).isNull();
        assertThat(unknown.error()).contains("'mkl'").contains("openblas, panama, naive");
    }
}
