package io.glimpse.tensor;

import java.util.Arrays;
import java.util.stream.IntStream;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Blocked GEMM on the Vector API, after the structure of Goto and van de Geijn, "Anatomy of high-performance
 * matrix multiplication" (ACM TOMS 2008) as organised in BLIS: B is packed once into column panels of
 * {@code NR} = two vectors, k-major, and each {@code MC}×{@code KC} block of A into 4-row slivers, k-major, so
 * the micro-kernel reads both operands contiguously; it keeps a 4-row × NR block of C in eight vector registers
 * and updates it with one broadcast of A and two FMAs per row and k step (wider tiles make C2 on JDK 17 spill
 * and box vectors). Loops over k are blocked by KC and rows by MC so a B micro-panel stays in L1 and an A block
 * in L2. Row blocks are split evenly over the worker threads; every element of C is summed in the same order
 * whatever the split, so results do not depend on the thread count. Loaded reflectively by VectorOpsProvider.
 */
final class PanamaGemm implements Gemm {
    private static final VectorSpecies<Float> SPECIES = KernelSpecies.FLOATS;
    private static final int LANES = SPECIES.length();
    private static final int MR = 4;
    private static final int NR = 2 * LANES;
    private static final int KC = 256;
    private static final int MC = 64;
    /** Below this many flops a second thread costs more than it saves. */
    private static final long PARALLEL_MIN_FLOPS = 1L << 21;

    private final int threads;

    PanamaGemm() {
        this(Runtime.getRuntime().availableProcessors());
    }

    PanamaGemm(int threads) {
        if (SPECIES.vectorBitSize() < VectorOpsProvider.MIN_VECTOR_BITS) {
            throw new UnsupportedOperationException("kernel vector species is only " + SPECIES.vectorBitSize() + " bits");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("gemm needs at least one thread, got " + threads);
        }
        this.threads = threads;
    }

    @Override
    public void multiplyTransposed(int m, int n, int k, float[] a, int aOffset, float[] b, int bOffset, float[] c, int cOffset) {
        Gemm.checkShapes(m, n, k, a, aOffset, b, bOffset, c, cOffset);
        if (m == 0 || n == 0) {
            return;
        }
        run(m, n, k, a, aOffset, packTransposed(n, k, b, bOffset), c, cOffset);
    }

    /** B packed once into the column panels the micro-kernel reads. */
    @Override
    public Prepared prepareTransposed(int n, int k, float[] b, int bOffset) {
        Gemm.checkShapes(0, n, k, b, 0, b, bOffset, b, 0);
        return new PackedMatrix(this, packTransposed(n, k, b, bOffset), n, k);
    }

    @Override
    public void multiplyTransposed(int m, float[] a, int aOffset, Prepared b, float[] c, int cOffset) {
        PackedMatrix w = PreparedMatrix.of(this, b, PackedMatrix.class);
        Gemm.checkShapes(m, a, aOffset, b, c, cOffset);
        if (m == 0 || w.rows() == 0) {
            return;
        }
        run(m, w.rows(), w.cols(), a, aOffset, w.panels, c, cOffset);
    }

    private static float[] packTransposed(int n, int k, float[] b, int bOffset) {
        float[] packed = new float[panels(n) * k * NR];
        for (int j = 0; j < n; j++) {
            int dst = (j / NR) * k * NR + j % NR;
            int src = bOffset + j * k;
            for (int p = 0; p < k; p++) {
                packed[dst + p * NR] = b[src + p];
            }
        }
        return packed;
    }

    private static final class PackedMatrix extends PreparedMatrix {
        final float[] panels;

        PackedMatrix(Gemm owner, float[] panels, int rows, int cols) {
            super(owner, rows, cols);
            this.panels = panels;
        }
    }

    @Override
    public void multiply(int m, int n, int k, float[] a, int aOffset, float[] b, int bOffset, float[] c, int cOffset) {
        Gemm.checkShapes(m, n, k, a, aOffset, b, bOffset, c, cOffset);
        if (m == 0 || n == 0) {
            return;
        }
        int panels = panels(n);
        float[] packed = new float[panels * k * NR];
        for (int p = 0; p < k; p++) {
            for (int jp = 0; jp < panels; jp++) {
                System.arraycopy(b, bOffset + p * n + jp * NR, packed, jp * k * NR + p * NR, Math.min(NR, n - jp * NR));
            }
        }
        run(m, n, k, a, aOffset, packed, c, cOffset);
    }

    private static int panels(int n) {
        return (n + NR - 1) / NR;
    }

    private void run(int m, int n, int k, float[] a, int aOffset, float[] packed, float[] c, int cOffset) {
        if (k == 0) {
            Arrays.fill(c, cOffset, cOffset + m * n, 0f);
            return;
        }
        int rowBlocks = (m + MR - 1) / MR;
        int chunks = 2L * m * n * k < PARALLEL_MIN_FLOPS ? 1 : Math.min(threads, rowBlocks);
        if (chunks == 1) {
            rows(0, m, n, k, a, aOffset, packed, c, cOffset);
            return;
        }
        IntStream.range(0, chunks).parallel().forEach(t -> {
            int r0 = (int) ((long) rowBlocks * t / chunks) * MR;
            int r1 = Math.min(m, (int) ((long) rowBlocks * (t + 1) / chunks) * MR);
            rows(r0, r1, n, k, a, aOffset, packed, c, cOffset);
        });
    }

    /** Computes rows [r0, r1) of C. */
    private static void rows(int r0, int r1, int n, int k, float[] a, int aOffset, float[] packed, float[] c, int cOffset) {
        int panels = panels(n);
        float[] ap = new float[MC * KC];
        for (int pc = 0; pc < k; pc += KC) {
            int kc = Math.min(KC, k - pc);
            boolean accumulate = pc > 0;
            for (int ic = r0; ic < r1; ic += MC) {
                int icEnd = Math.min(r1, ic + MC);
                int full = ic + (icEnd - ic) / MR * MR;
                // Pack this block's whole 4-row slivers k-major: [sliver][p][row], read contiguously by kernel4.
                for (int i = ic; i < full; i += MR) {
                    int base = (i - ic) * kc;
                    for (int r = 0; r < MR; r++) {
                        int src = aOffset + (i + r) * k + pc;
                        for (int p = 0; p < kc; p++) {
                            ap[base + p * MR + r] = a[src + p];
                        }
                    }
                }
                for (int jp = 0; jp < panels; jp++) {
                    int bo = jp * k * NR + pc * NR;
                    int cols = Math.min(NR, n - jp * NR);
                    int i = ic;
                    for (; i < full; i += MR) {
                        kernel4(ap, (i - ic) * kc, packed, bo, kc, c, cOffset + i * n + jp * NR, n, cols, accumulate);
                    }
                    for (; i < icEnd; i++) {
                        kernel1(a, aOffset + i * k + pc, packed, bo, kc, c, cOffset + i * n + jp * NR, cols, accumulate);
                    }
                }
            }
        }
    }

    /** Vectorised 4×NR micro-kernel: C block (+)= packed A sliver[kc, 4] · packed B panel[kc, NR]. */
    private static void kernel4(float[] a, int ao, float[] b, int bo, int kc, float[] c, int co, int ldc, int cols,
                                boolean accumulate) {
        FloatVector c00 = FloatVector.zero(SPECIES);
        FloatVector c01 = FloatVector.zero(SPECIES);
        FloatVector c10 = FloatVector.zero(SPECIES);
        FloatVector c11 = FloatVector.zero(SPECIES);
        FloatVector c20 = FloatVector.zero(SPECIES);
        FloatVector c21 = FloatVector.zero(SPECIES);
        FloatVector c30 = FloatVector.zero(SPECIES);
        FloatVector c31 = FloatVector.zero(SPECIES);
        for (int p = 0; p < kc; p++) {
            int bi = bo + p * NR;
            int ai = ao + p * MR;
            FloatVector b0 = FloatVector.fromArray(SPECIES, b, bi);
            FloatVector b1 = FloatVector.fromArray(SPECIES, b, bi + LANES);
            FloatVector x = FloatVector.broadcast(SPECIES, a[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(SPECIES, a[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(SPECIES, a[ai + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(SPECIES, a[ai + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        store(c00, c01, c, co, cols, accumulate);
        store(c10, c11, c, co + ldc, cols, accumulate);
        store(c20, c21, c, co + 2 * ldc, cols, accumulate);
        store(c30, c31, c, co + 3 * ldc, cols, accumulate);
    }

    /** Vectorised 1×NR micro-kernel for the last m mod 4 rows; same summation order as kernel4. */
    private static void kernel1(float[] a, int ao, float[] b, int bo, int kc, float[] c, int co, int cols, boolean accumulate) {
        FloatVector c0 = FloatVector.zero(SPECIES);
        FloatVector c1 = FloatVector.zero(SPECIES);
        for (int p = 0; p < kc; p++) {
            int bi = bo + p * NR;
            FloatVector x = FloatVector.broadcast(SPECIES, a[ao + p]);
            c0 = x.fma(FloatVector.fromArray(SPECIES, b, bi), c0);
            c1 = x.fma(FloatVector.fromArray(SPECIES, b, bi + LANES), c1);
        }
        store(c0, c1, c, co, cols, accumulate);
    }

    /** Writes (or adds) one row of a micro-tile; only the first {@code cols} columns exist in C. */
    private static void store(FloatVector v0, FloatVector v1, float[] c, int off, int cols, boolean accumulate) {
        if (cols == NR) {
            if (accumulate) {
                v0 = v0.add(FloatVector.fromArray(SPECIES, c, off));
                v1 = v1.add(FloatVector.fromArray(SPECIES, c, off + LANES));
            }
            v0.intoArray(c, off);
            v1.intoArray(c, off + LANES);
            return;
        }
        VectorMask<Float> m0 = SPECIES.indexInRange(0, cols);
        VectorMask<Float> m1 = SPECIES.indexInRange(LANES, cols);
        if (accumulate) {
            v0 = v0.add(FloatVector.fromArray(SPECIES, c, off, m0));
            v1 = v1.add(FloatVector.fromArray(SPECIES, c, off + LANES, m1));
        }
        v0.intoArray(c, off, m0);
        v1.intoArray(c, off + LANES, m1);
    }
}
