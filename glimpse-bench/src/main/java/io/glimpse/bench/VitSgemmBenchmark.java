package io.glimpse.bench;

import io.glimpse.tensor.Gemm;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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
 * The yardstick for {@link ReducerBenchmark}: one MLP fc1 of a ViT layer over one frame, [N×D]·[M×D]ᵀ with the
 * weight stored [out×in] as in Hugging Face checkpoints, through {@link Gemm#get()} (OpenBLAS unless
 * {@code -Dglimpse.gemm} says otherwise). Its GFLOP/s turn the ViT's FLOPs into an estimated forward time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx6g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class VitSgemmBenchmark {
    @Param({"clip-l-336", "siglip-so400m"})
    public String vit;

    private VitModel model;
    private Gemm gemm;
    private float[] x;
    private float[] w;
    private float[] y;

    @Setup
    public void setUp() {
        model = VitModel.byId(vit);
        gemm = Gemm.get();
        SplittableRandom rnd = new SplittableRandom(7);
        x = random(rnd, model.tokens * model.dim);
        w = random(rnd, model.mlp * model.dim);
        y = new float[model.tokens * model.mlp];
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextDouble() - 0.5);
        }
        return a;
    }

    @Benchmark
    public float[] fc1() {
        gemm.multiplyTransposed(model.tokens, model.mlp, model.dim, x, 0, w, 0, y, 0);
        return y;
    }
}
