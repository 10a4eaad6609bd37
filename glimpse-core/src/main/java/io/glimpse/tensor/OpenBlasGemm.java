package io.glimpse.tensor;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;

import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.stream.IntStream;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * GEMM by OpenBLAS {@code cblas_sgemm} (bytedeco presets, natives bundled for linux-x86_64), row-major.
 *
 * <p>Operands are copied into native scratch and C is copied back. JavaCPP's {@code float[]} and
 * heap-buffer overloads copy the <em>whole</em> Java array through JNI (measured: ≈0.1 s per call for an
 * 8×8 product addressed inside 16 MB arrays), which is ruinous for a matrix at an offset in a larger array
 * such as a fused weight; copying only the addressed slices costs O(mk + nk + mn) against the product's O(mnk). Large products are tiled over rows
 * and columns of C so the scratch stays bounded ({@link #TILE_FLOATS} per operand) however big the call.
 *
 * <p>OpenBLAS runs single-threaded (see {@link #loadNatives}); products big enough are split over the available
 * processors in Java. Loaded reflectively by {@link GemmProvider}, so a missing jar or native library only means falling back.
 */
final class OpenBlasGemm implements Gemm {
    /** Floats per scratch operand (16 MB): a 4096×1024 weight or 1024 rows of A at k = 4096 fit whole. */
    static final long TILE_FLOATS = 1L << 22;
    /** Below this many flops a second thread costs more than it saves. */
    private static final double PARALLEL_MIN_FLOPS = 1 << 21;
    /** Rows each thread needs for a row split to keep sgemm efficient; fewer rows split the columns instead. */
    private static final int MIN_ROWS_PER_PART = 32;
    private static final int THREADS = loadNatives();

    /**
     * Scratch not in use, one per product running at once. Not a ThreadLocal: the common pool's workers clear their
     * thread locals after every task, so each product that ran there allocated fresh native buffers (tens of MB) that
     * only a garbage collection freed, and a prefill held gigabytes of them (measured on a 7B decoder).
     */
    private static final ConcurrentLinkedDeque<Scratch> SCRATCH = new ConcurrentLinkedDeque<>();

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

    /**
     * OpenBLAS itself runs single-threaded: its own pool spins and yields between the phases of a product, which on
     * a busy machine made a 577×577×64 attention product 12× slower on two threads than on one (23 ms against
     * 1.9 ms, measured), and concurrent callers would queue for that one pool. Parallelism comes from {@link #run}
     * splitting C over Java threads instead, which also lets attention heads run side by side.
     */
    private static int loadNatives() {
        Loader.load(openblas_nolapack.class);
        openblas_nolapack.blas_set_num_threads(1);
        return Runtime.getRuntime().availableProcessors();
    }

    @Override
    public void multiplyTransposed(int m, int n, int k, float[] a, int aOffset, float[] b, int bOffset, float[] c, int cOffset) {
        Gemm.checkShapes(m, n, k, a, aOffset, b, bOffset, c, cOffset);
        run(m, n, k, a, aOffset, new HeapB(b, bOffset, true), c, cOffset);
    }

    @Override
    public void multiply(int m, int n, int k, float[] a, int aOffset, float[] b, int bOffset, float[] c, int cOffset) {
        Gemm.checkShapes(m, n, k, a, aOffset, b, bOffset, c, cOffset);
        run(m, n, k, a, aOffset, new HeapB(b, bOffset, false), c, cOffset);
    }

    /** B copied once into its own native buffer, which JavaCPP frees when the matrix becomes unreachable. */
    @Override
    public Prepared prepareTransposed(int n, int k, float[] b, int bOffset) {
        Gemm.checkShapes(0, n, k, b, 0, b, bOffset, b, 0);
        FloatPointer p = new FloatPointer(Math.max(1L, (long) n * k));
        p.put(b, bOffset, n * k);
        return new NativeMatrix(this, p, n, k);
    }

    /** Only A and C cross JNI. */
    @Override
    public void multiplyTransposed(int m, float[] a, int aOffset, Prepared b, float[] c, int cOffset) {
        NativeMatrix w = PreparedMatrix.of(this, b, NativeMatrix.class);
        Gemm.checkShapes(m, a, aOffset, b, c, cOffset);
        run(m, w.rows(), w.cols(), a, aOffset, w, c, cOffset);
    }

    /**
     * Splits C into one block of rows (or, when there are too few rows, of columns) per thread and computes the
     * blocks concurrently, each by a single-threaded sgemm on its own scratch. The split depends only on the sizes
     * and the thread count, and each element is one sgemm's sum over k, so results are reproducible.
     */
    private void run(int m, int n, int k, float[] a, int aOffset, BSource b, float[] c, int cOffset) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            // BLAS rejects lda = 0 (and would print through xerbla); the empty sum is zero.
            Arrays.fill(c, cOffset, cOffset + m * n, 0f);
            return;
        }
        boolean byRows = m >= MIN_ROWS_PER_PART * THREADS || m >= n;
        int extent = byRows ? m : n;
        int parts = 2.0 * m * n * k < PARALLEL_MIN_FLOPS ? 1 : Math.min(THREADS, extent);
        if (parts == 1) {
            block(m, n, k, a, aOffset, b, c, cOffset, 0, m, 0, n);
            return;
        }
        IntStream.range(0, parts).parallel().forEach(t -> {
            int from = (int) ((long) extent * t / parts);
            int to = (int) ((long) extent * (t + 1) / parts);
            if (byRows) {
                block(m, n, k, a, aOffset, b, c, cOffset, from, to, 0, n);
            } else {
                block(m, n, k, a, aOffset, b, c, cOffset, 0, m, from, to);
            }
        });
    }

    /** C[r0..r1, j0..j1) of the whole product, tiled so its scratch stays bounded. */
    private void block(int m, int n, int k, float[] a, int aOffset, BSource b, float[] c, int cOffset,
                       int r0, int r1, int j0, int j1) {
        int width = j1 - j0;
        // The same column tiles for a prepared B as for a copied one: sgemm's rounding depends on the tile width
        // (OpenBLAS hands a one-column product to gemv), and a prepared matrix must give the unprepared bits.
        int cols = (int) Math.max(1, Math.min(width, tileFloats / k));
        int rows = (int) Math.max(1, Math.min(r1 - r0, tileFloats / Math.max(k, cols)));
        Scratch s = SCRATCH.poll();
        if (s == null) {
            s = new Scratch();
        }
        try {
            FloatPointer pa = s.a((long) rows * k);
            FloatPointer pc = s.c((long) rows * cols);
            int loadedRow = -1;
            for (int jt = j0; jt < j1; jt += cols) {
                int nc = Math.min(cols, j1 - jt);
                FloatPointer pb = b.columns(s, n, k, jt, nc);
                int ldb = b.transposed() ? k : nc;
                for (int i0 = r0; i0 < r1; i0 += rows) {
                    int mr = Math.min(rows, r1 - i0);
                    if (loadedRow != i0) {
                        pa.position(0).put(a, aOffset + i0 * k, mr * k);
                        loadedRow = i0;
                    }
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, b.transposed() ? CblasTrans : CblasNoTrans, mr, nc, k,
                            1f, pa.position(0), k, pb, ldb, 0f, pc.position(0), nc);
                    if (nc == n) {
                        pc.get(c, cOffset + i0 * n, mr * n);
                    } else {
                        for (int r = 0; r < mr; r++) {
                            pc.position((long) r * nc).get(c, cOffset + (i0 + r) * n + jt, nc);
                        }
                    }
                }
            }
        } finally {
            SCRATCH.push(s);
        }
    }

    /** Where B's columns [j0, j0+nc) of C come from: a Java array copied per call, or a prepared native matrix. */
    private interface BSource {
        boolean transposed();

        /** A native pointer to B's part for columns [j0, j0+nc), laid out with leading dimension k (transposed) or nc. */
        FloatPointer columns(Scratch s, int n, int k, int j0, int nc);
    }

    private record HeapB(float[] b, int offset, boolean transposed) implements BSource {
        @Override
        public FloatPointer columns(Scratch s, int n, int k, int j0, int nc) {
            FloatPointer pb = s.b((long) nc * k);
            if (transposed) {
                pb.position(0).put(b, offset + j0 * k, nc * k);
            } else {
                for (int p = 0; p < k; p++) {
                    pb.position((long) p * nc).put(b, offset + p * n + j0, nc);
                }
            }
            return pb.position(0);
        }
    }

    private static final class NativeMatrix extends PreparedMatrix implements BSource {
        final FloatPointer data;

        NativeMatrix(Gemm owner, FloatPointer data, int rows, int cols) {
            super(owner, rows, cols);
            this.data = data;
        }

        @Override
        public boolean transposed() {
            return true;
        }

        /** A fresh view: threads share the matrix, so its own position must never move. */
        @Override
        public FloatPointer columns(Scratch s, int n, int k, int j0, int nc) {
            return new FloatPointer(data).position((long) j0 * k);
        }
    }

    @Override
    public String toString() {
        return "OpenBLAS sgemm (" + THREADS + " threads)";
    }

    /**
     * One product's native operand buffers, grown on demand and kept for the next product. Each buffer is
     * handed out at a 64-byte-aligned position: OpenBLAS's AVX-512 kernels peel unaligned heads, so the same product
     * summed in a different order (different bits) depending on where malloc happened to place the scratch.
     */
    private static final class Scratch {
        private static final int ALIGN_FLOATS = 16;
        private Aligned a;
        private Aligned b;
        private Aligned c;

        FloatPointer a(long floats) {
            a = Aligned.fit(a, floats);
            return a.view();
        }

        FloatPointer b(long floats) {
            b = Aligned.fit(b, floats);
            return b.view();
        }

        FloatPointer c(long floats) {
            c = Aligned.fit(c, floats);
            return c.view();
        }

        /** A buffer and the first float of it that sits on a 64-byte boundary. */
        private record Aligned(FloatPointer buffer, long first, long capacity) {
            static Aligned fit(Aligned p, long floats) {
                if (p != null && p.capacity >= floats) {
                    return p;
                }
                if (p != null) {
                    p.buffer.close();
                }
                FloatPointer buffer = new FloatPointer(floats + ALIGN_FLOATS);
                long misalignedBytes = buffer.address() % (ALIGN_FLOATS * Float.BYTES);
                long first = misalignedBytes == 0 ? 0 : (ALIGN_FLOATS * Float.BYTES - misalignedBytes) / Float.BYTES;
                return new Aligned(buffer, first, floats);
            }

            /** A view whose position 0 is the aligned first float, so callers position relative to it. */
            FloatPointer view() {
                return buffer.getPointer(first).capacity(capacity);
            }
        }
    }
}
