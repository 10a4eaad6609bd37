package io.glimpse.tensor;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;

import java.util.Arrays;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * GEMM by OpenBLAS {@code cblas_sgemm} (bytedeco presets, natives bundled for linux-x86_64), row-major.
 *
 * <p>Operands are copied into per-thread native scratch and C is copied back. JavaCPP's {@code float[]} and
 * heap-buffer overloads copy the <em>whole</em> Java array through JNI (measured: ≈0.1 s per call for an
 * 8×8 product addressed inside 16 MB arrays), which is ruinous for a matrix at an offset in a larger array
 * such as a fused weight; copying only the addressed slices costs O(mk + nk + mn) against the product's O(mnk). Large products are tiled over rows
 * and columns of C so the scratch stays bounded ({@link #TILE_FLOATS} per operand) however big the call.
 *
 * <p>OpenBLAS keeps one process-wide thread pool; loading this class sizes it to the available processors.
 * Loaded reflectively by {@link GemmProvider}, so a missing jar or native library only means falling back.
 */
final class OpenBlasGemm implements Gemm {
    /** Floats per scratch operand (16 MB): a 4096×1024 weight or 1024 rows of A at k = 4096 fit whole. */
    static final long TILE_FLOATS = 1L << 22;
    private static final int THREADS = loadNatives();

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private final long tileFloats;

    OpenBlasGemm() {
        this(TILE_FLOATS);
    }

    /** Smaller tiles only serve tests of the tiling; the default is the sensible size. */
    OpenBlasGemm(long tileFloats) {
        if (tileFloats < 1) {
            throw new IllegalArgumentException("gemm tile must hold at least one float, got " + tileFloats);
        }
        this.tileFloats = tileFloats;
    }

    private static int loadNatives() {
        Loader.load(openblas_nolapack.class);
        int threads = Runtime.getRuntime().availableProcessors();
        openblas_nolapack.blas_set_num_threads(threads);
        return threads;
    }

    @Override
    public void multiplyTransposed(int m, int n, int k, float[] a, int aOffset, float[] b, int bOffset, float[] c, int cOffset) {
        Gemm.checkShapes(m, n, k, a, aOffset, b, bOffset, c, cOffset);
        compute(true, m, n, k, a, aOffset, b, bOffset, c, cOffset);
    }

    @Override
    public void multiply(int m, int n, int k, float[] a, int aOffset, float[] b, int bOffset, float[] c, int cOffset) {
        Gemm.checkShapes(m, n, k, a, aOffset, b, bOffset, c, cOffset);
        compute(false, m, n, k, a, aOffset, b, bOffset, c, cOffset);
    }

    /** B copied once into its own native buffer, which JavaCPP frees when the matrix becomes unreachable. */
    @Override
    public Prepared prepareTransposed(int n, int k, float[] b, int bOffset) {
        Gemm.checkShapes(0, n, k, b, 0, b, bOffset, b, 0);
        FloatPointer p = new FloatPointer(Math.max(1L, (long) n * k));
        p.put(b, bOffset, n * k);
        return new NativeMatrix(this, p, n, k);
    }

    /** Only A and C cross JNI; rows of A are tiled as in the unprepared form so the scratch stays bounded. */
    @Override
    public void multiplyTransposed(int m, float[] a, int aOffset, Prepared b, float[] c, int cOffset) {
        NativeMatrix w = PreparedMatrix.of(this, b, NativeMatrix.class);
        int n = w.rows();
        int k = w.cols();
        Gemm.checkShapes(m, a, aOffset, b, c, cOffset);
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            Arrays.fill(c, cOffset, cOffset + m * n, 0f);
            return;
        }
        int rows = (int) Math.max(1, Math.min(m, tileFloats / Math.max(k, n)));
        Scratch s = SCRATCH.get();
        FloatPointer pa = s.a((long) rows * k);
        FloatPointer pc = s.c((long) rows * n);
        for (int i0 = 0; i0 < m; i0 += rows) {
            int mr = Math.min(rows, m - i0);
            pa.position(0).put(a, aOffset + i0 * k, mr * k);
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, mr, n, k, 1f, pa.position(0), k, w.data, k, 0f,
                    pc.position(0), n);
            pc.get(c, cOffset + i0 * n, mr * n);
        }
    }

    private static final class NativeMatrix extends PreparedMatrix {
        final FloatPointer data;

        NativeMatrix(Gemm owner, FloatPointer data, int rows, int cols) {
            super(owner, rows, cols);
            this.data = data;
        }
    }

    private void compute(boolean bTransposed, int m, int n, int k, float[] a, int aOffset, float[] b, int bOffset,
                         float[] c, int cOffset) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            // BLAS rejects lda = 0 (and would print through xerbla); the empty sum is zero.
            Arrays.fill(c, cOffset, cOffset + m * n, 0f);
            return;
        }
        int cols = (int) Math.max(1, Math.min(n, tileFloats / k));
        int rows = (int) Math.max(1, Math.min(m, tileFloats / Math.max(k, cols)));
        Scratch s = SCRATCH.get();
        FloatPointer pa = s.a((long) rows * k);
        FloatPointer pb = s.b((long) cols * k);
        FloatPointer pc = s.c((long) rows * cols);
        int loadedRow = -1;
        for (int j0 = 0; j0 < n; j0 += cols) {
            int nc = Math.min(cols, n - j0);
            if (bTransposed) {
                pb.position(0).put(b, bOffset + j0 * k, nc * k);
            } else {
                for (int p = 0; p < k; p++) {
                    pb.position((long) p * nc).put(b, bOffset + p * n + j0, nc);
                }
            }
            for (int i0 = 0; i0 < m; i0 += rows) {
                int mr = Math.min(rows, m - i0);
                if (loadedRow != i0) {
                    pa.position(0).put(a, aOffset + i0 * k, mr * k);
                    loadedRow = i0;
                }
                cblas_sgemm(CblasRowMajor, CblasNoTrans, bTransposed ? CblasTrans : CblasNoTrans, mr, nc, k,
                        1f, pa.position(0), k, pb.position(0), bTransposed ? k : nc, 0f, pc.position(0), nc);
                if (nc == n) {
                    pc.get(c, cOffset + i0 * n, mr * n);
                } else {
                    for (int r = 0; r < mr; r++) {
                        pc.position((long) r * nc).get(c, cOffset + (i0 + r) * n + j0, nc);
                    }
                }
            }
        }
    }

    @Override
    public String toString() {
        return "OpenBLAS sgemm (" + THREADS + " threads)";
    }

    /** One thread's native operand buffers, grown on demand and freed with the thread's last reference. */
    private static final class Scratch {
        private FloatPointer a;
        private FloatPointer b;
        private FloatPointer c;

        FloatPointer a(long floats) {
            a = fit(a, floats);
            return a;
        }

        FloatPointer b(long floats) {
            b = fit(b, floats);
            return b;
        }

        FloatPointer c(long floats) {
            c = fit(c, floats);
            return c;
        }

        private static FloatPointer fit(FloatPointer p, long floats) {
            if (p != null && p.capacity() >= floats) {
                return p;
            }
            if (p != null) {
                p.close();
            }
            return new FloatPointer(floats);
        }
    }
}
