package io.glimpse.bench;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;

import io.glimpse.tensor.Gemm;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What {@link Gemm#get()}'s OpenBLAS path costs against one bare {@code cblas_sgemm} on the same shapes (CLIP-L/14-336's
 * q/k/v, fc1, fc2 and one head's QKᵀ at 577 tokens): Glimpse's path with B prepared and with B copied per call (A and C
 * copied into aligned scratch, C split over Java threads each running a single-threaded sgemm), against one sgemm call
 * on native operands with OpenBLAS single-threaded and with its own pool of every processor. ms per product; GFLOP/s =
 * 2·m·n·k ÷ time. {@code prepared} ÷ {@code sgemmOneThread} near 0.5 is a clean two-thread split; the gap to it is
 * the copies and the joins.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx4g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 1)
public class OpenBlasTilingBenchmark {
    /** m×n×k of C[m×n] = A[m×k]·B[n×k]ᵀ. */
    @Param({"577x3072x1024", "577x4096x1024", "577x1024x4096", "577x577x64"})
    public String shape;

    private int m;
    private int n;
    private int k;
    private Gemm gemm;
    private Gemm.Prepared prepared;
    private float[] a;
    private float[] b;
    private float[] c;
    private FloatPointer na;
    private FloatPointer nb;
    private FloatPointer nc;

    @Setup
    public void setUp() {
        String[] s = shape.split("x");
        m = Integer.parseInt(s[0]);
        n = Integer.parseInt(s[1]);
        k = Integer.parseInt(s[2]);
        gemm = Gemm.get();
        SplittableRandom rnd = new SplittableRandom(7);
        a = random(rnd, m * k);
        b = random(rnd, n * k);
        c = new float[m * n];
        prepared = gemm.prepareTransposed(n, k, b, 0);
        na = new FloatPointer((long) m * k).put(a);
        nb = new FloatPointer((long) n * k).put(b);
        nc = new FloatPointer((long) m * n);
    }

    @Benchmark
    public float[] prepared() {
        gemm.multiplyTransposed(m, a, 0, prepared, c, 0);
        return c;
    }

    @Benchmark
    public float[] copied() {
        gemm.multiplyTransposed(m, n, k, a, 0, b, 0, c, 0);
        return c;
    }

    @Benchmark
    public FloatPointer sgemmOneThread() {
        return sgemm(1);
    }

    @Benchmark
    public FloatPointer sgemmAllThreads() {
        return sgemm(Runtime.getRuntime().availableProcessors());
    }

    /** One call on native operands with OpenBLAS's pool at {@code threads}, set back to Glimpse's one afterwards. */
    private FloatPointer sgemm(int threads) {
        openblas_nolapack.blas_set_num_threads(threads);
        try {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, k, 1f, na, k, nb, k, 0f, nc, n);
        } finally {
            openblas_nolapack.blas_set_num_threads(1);
        }
        return nc;
    }

    private static float[] random(SplittableRandom rnd, int count) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = (float) (rnd.nextDouble() - 0.5);
        }
        return v;
    }
}
