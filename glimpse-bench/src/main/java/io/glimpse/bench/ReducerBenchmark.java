package io.glimpse.bench;

import io.glimpse.reduce.Pipeline;
import io.glimpse.reduce.ReduceContext;
import io.glimpse.tokens.TokenSet;
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
 * Time (and, with {@code -prof gc}, allocation) of each reduction method at a typical budget, and of each quantizer
 * round trip (tokenbridge, fsq, binary: they keep every token but store fewer bits), over inputs the size
 * of one LLaVA-1.5 image (576×1024), 32 LLaVA-OneVision frames after 2× pooling (32×196×896) and 64 SigLIP frames
 * (64×729×1152), built by {@link SyntheticTokens}. {@link ReducerCostReport} sets the times against
 * {@link VitSgemmBenchmark} measured in the same run. Specs are written without commas because JMH's {@code -p}
 * splits on them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx6g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class ReducerBenchmark {
    static final long SEED = 42;

    @Param({
        "tome:keep=0.5",
        "aim:keep=0.25",
        "kcenter:keep=0.25",
        "kmedoids:keep=0.5",
        "tmerge:threshold=0.75",
        "evs:rate=0.75",
        "vqtoken",
        "fastv:keep=0.5",
        "hiprune:keep=0.33",
        "visionzip",
        "visiondrop",
        "matryoshka:kernel=2",
        "adaptivepool",
        "tokenbridge:bins=64",
        "fsq",
        "binary",
    })
    public String spec;

    @Param({"576x1024", "32x196x896", "64x729x1152"})
    public String shape;

    private Pipeline pipeline;
    private TokenSet tokens;
    private ReduceContext context;

    @Setup
    public void setUp() {
        pipeline = Pipeline.of(spec);
        InputShape s = InputShape.parse(shape);
        tokens = SyntheticTokens.tokens(s, SEED);
        context = SyntheticTokens.context(s, SEED);
    }

    @Benchmark
    public TokenSet reduce() {
        return pipeline.apply(tokens, context);
    }
}
