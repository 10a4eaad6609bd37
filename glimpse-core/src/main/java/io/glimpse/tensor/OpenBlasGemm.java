package io.glimpse.tensor;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedDeque;
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
final class OpenBlasGemm implements Gemm, StoredWeightGemm {
    /** Floats per scratch operand (16 MB): a 4096×1024 weight or 1024 rows of A at k = 4096 fit whole. */
    static final long TILE_FLOATS = 1L << 22;
    /** Below this many flops a second thread costs more than it saves. */
    private static final double PARALLEL_MIN_FLOPS = 1 << 21;
    /** Rows each thread needs for a row split to keep sgemm efficient; fewer rows split the columns instead. */
    private static final int MIN_ROWS_PER_PART = 32;
    private static final int THREADS = loadNatives();
    /** The kernel family OpenBLAS runs, read once the natives are loaded. */
    private static final String CORE = coreName();

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

    /**
     * The kernel family OpenBLAS chose for this CPU ({@code openblas_get_corename}), and whether OPENBLAS_CORETYPE
     * forced it: on a 2-core Zen 5 the Haswell kernels that variable can force ran sgemm at 200 GFLOP/s against 375 for
     * the Cooperlake ones OpenBLAS picks itself, so a benchmark has to say which ran.
     */
    @Override
    public String describe() {
        String forced = System.getenv("OPENBLAS_CORETYPE");
        return "OpenBLAS, " + CORE + " kernels" + (forced == null || forced.isEmpty() ? "" : " (OPENBLAS_CORETYPE=" + forced + ")");
    }

    /** The library is loaded by now, so a lookup by its soname finds the loaded copy. */
    private static String coreName() {
        try {
            MemorySegment f = SymbolLookup.libraryLookup("libopenblas_nolapack.so.0", Arena.global())
                    .find("openblas_get_corename").orElse(null);
            if (f == null) {
                return "unnamed";
            }
            MemorySegment name = (MemorySegment) Linker.nativeLinker()
                    .downcallHandle(f, FunctionDescriptor.of(ValueLayout.ADDRESS)).invokeExact();
            return name.reinterpret(64).getString(0);
        } catch (Throwable e) {
            return "unnamed";
        }
    }

    @Override
    public void multiplyTransposed(int m, int n, int k, float[] a, int aOffset, float[] b, int bOffset, float[] c, int cOffset) {
        Gemm.checkShapes(m, n, k, a, aOffset, b, bOffset, c, cOffset);
        run(m, n, k, a, aOffset, new HeapB(b, bOffset, n, true), c, cOffset, n);
    }

    /**
     * The columns are split over the threads (whatever m) and each thread widens its own rows of W, an L1-sized chunk
     * at a time, straight into its native scratch: each weight is widened once and crosses into native memory once,
     * where a heap panel was written, read back and then copied whole by every thread of a row split.
     */
    @Override
    public void multiplyTransposed(int m, float[] a, int aOffset, WeightMatrix w, float[] c, int cOffset, int ldc) {
        int n = w.rows();
        int k = w.cols();
        if (m < 0 || ldc < n || aOffset < 0 || cOffset < 0 || aOffset + (long) m * k > a.length
                || m > 0 && cOffset + (long) (m - 1) * ldc + n > c.length) {
            throw new IllegalArgumentException("A of " + a.length + " floats from " + aOffset + " or C of " + c.length
                    + " from " + cOffset + " (row stride " + ldc + ") do not hold " + m + " rows of " + k + " → " + n);
        }
        BSource b = w instanceof WeightMatrix.F32 f && f.data().isNative() ? new NativeF32B(f.data()) : new StoredB(w);
        run(m, n, k, a, aOffset, b, c, cOffset, ldc);
    }

    @Override
    public void multiply(int m, int n, int k, float[] a, int aOffset, float[] b, int bOffset, float[] c, int cOffset) {
        Gemm.checkShapes(m, n, k, a, aOffset, b, bOffset, c, cOffset);
        run(m, n, k, a, aOffset, new HeapB(b, bOffset, n, false), c, cOffset, n);
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
        run(m, w.rows(), w.cols(), a, aOffset, w, c, cOffset, w.rows());
    }

    /**
     * Splits C into one block of rows (or, when there are too few rows, of columns) per thread and computes the
     * blocks concurrently, each by a single-threaded sgemm on its own scratch. The split depends only on the sizes
     * and the thread count, and each element is one sgemm's sum over k, so results are reproducible. C's rows are
     * {@code ldc} floats apart.
     */
    private void run(int m, int n, int k, float[] a, int aOffset, BSource b, float[] c, int cOffset, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            // BLAS rejects lda = 0 (and would print through xerbla); the empty sum is zero.
            for (int r = 0; r < m; r++) {
                Arrays.fill(c, cOffset + r * ldc, cOffset + r * ldc + n, 0f);
            }
            return;
        }
        boolean byRows = !b.widensItself() && (m >= MIN_ROWS_PER_PART * THREADS || m >= n);
        int extent = byRows ? m : n;
        int parts = 2.0 * m * n * k < PARALLEL_MIN_FLOPS ? 1 : Math.min(THREADS, extent);
        if (parts == 1) {
            block(k, a, aOffset, b, c, cOffset, ldc, 0, m, 0, n);
            return;
        }
        Parallel.current().forRanges(parts, 1, (t0, t1) -> {
            for (int t = t0; t < t1; t++) {
                int from = (int) ((long) extent * t / parts);
                int to = (int) ((long) extent * (t + 1) / parts);
                if (byRows) {
                    block(k, a, aOffset, b, c, cOffset, ldc, from, to, 0, n);
                } else {
                    block(k, a, aOffset, b, c, cOffset, ldc, 0, m, from, to);
                }
            }
        });
    }

    /** C[r0..r1, j0..j1) of the whole product, tiled so its scratch stays bounded. */
    private void block(int k, float[] a, int aOffset, BSource b, float[] c, int cOffset, int ldc,
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
                FloatPointer pb = b.columns(s, k, jt, nc);
                int ldb = b.transposed() ? k : nc;
                for (int i0 = r0; i0 < r1; i0 += rows) {
                    int mr = Math.min(rows, r1 - i0);
                    if (loadedRow != i0) {
                        pa.position(0).put(a, aOffset + i0 * k, mr * k);
                        loadedRow = i0;
                    }
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, b.transposed() ? CblasTrans : CblasNoTrans, mr, nc, k,
                            1f, pa.position(0), k, pb, ldb, 0f, pc.position(0), nc);
                    if (nc == ldc) {
                        pc.get(c, cOffset + i0 * ldc, mr * nc);
                    } else {
                        for (int r = 0; r < mr; r++) {
                            pc.position((long) r * nc).get(c, cOffset + (i0 + r) * ldc + jt, nc);
                        }
                    }
                }
            }
        } finally {
            SCRATCH.push(s);
        }
    }

    /**
     * Where B's columns [j0, j0+nc) of C come from: a Java array copied per call, a prepared native matrix, or a
     * stored weight matrix widened per call.
     */
    private interface BSource {
        boolean transposed();

        /** A native pointer to B's part for columns [j0, j0+nc), laid out with leading dimension k (transposed) or nc. */
        FloatPointer columns(Scratch s, int k, int j0, int nc);

        /** Whether producing B's columns costs work per call, so each thread should produce only its own. */
        default boolean widensItself() {
            return false;
        }
    }

    private record StoredB(WeightMatrix w) implements BSource {
        /** Floats of the heap chunk rows are widened into before they are copied out: within L1. */
        private static final int CHUNK_FLOATS = 8192;

        @Override
        public boolean transposed() {
            return true;
        }

        @Override
        public boolean widensItself() {
            return true;
        }

        @Override
        public FloatPointer columns(Scratch s, int k, int j0, int nc) {
            FloatPointer pb = s.b((long) nc * k);
            MemorySegment to = MemorySegment.ofAddress(pb.address() + pb.position() * Float.BYTES)
                    .reinterpret((long) nc * k * Float.BYTES);
            int step = Math.max(1, CHUNK_FLOATS / k);
            float[] chunk = s.chunk(step * k);
            for (int r = 0; r < nc; r += step) {
                int rows = Math.min(step, nc - r);
                w.dequantize(j0 + r, rows, chunk, 0);
                MemorySegment.copy(chunk, 0, to, ValueLayout.JAVA_FLOAT, (long) r * k * Float.BYTES, rows * k);
            }
            return pb;
        }
    }

    /**
     * An F32 matrix in native memory (a mapped safetensors or GGUF file) is already what sgemm reads: it is handed
     * its address, as a prepared matrix is, instead of a copy per call. CLIP-L/336 from an f32 checkpoint copied
     * 1.2 GB of weights per image before.
     */
    private record NativeF32B(MemorySegment data) implements BSource {
        @Override
        public boolean transposed() {
            return true;
        }

        @Override
        public FloatPointer columns(Scratch s, int k, int j0, int nc) {
            // Named apart from Pointer's own fields, which would shadow them inside the subclass.
            long at = data.address() + (long) j0 * k * Float.BYTES;
            long length = (long) nc * k;
            return new FloatPointer() {
                {
                    address = at;
                    limit = length;
                    capacity = length;
                }
            };
        }
    }

    private record HeapB(float[] b, int offset, int n, boolean transposed) implements BSource {
        @Override
        public FloatPointer columns(Scratch s, int k, int j0, int nc) {
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
        public FloatPointer columns(Scratch s, int k, int j0, int nc) {
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
        private float[] chunk = new float[0];

        float[] chunk(int floats) {
            if (chunk.length < floats) {
                chunk = new float[floats];
            }
            return chunk;
        }

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
