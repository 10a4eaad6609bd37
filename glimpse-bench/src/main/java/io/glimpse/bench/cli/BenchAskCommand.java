package io.glimpse.bench.cli;

import io.glimpse.bench.fixture.ModelShapes;
import io.glimpse.bench.run.AskBench;
import io.glimpse.bench.run.AskMemoryBench;
import io.glimpse.cli.GlimpseCli;
import io.glimpse.job.EncodeJob;
import io.glimpse.tensor.WeightFormat;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code glimpse bench ask}: see {@link AskBench}. */
@Command(name = "ask", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Time to first token and decode tokens/s of a random-weight LLaVA-OneVision-0.5B-shaped model, "
                + "without reduction and with several pipelines.")
final class BenchAskCommand implements Callable<Integer> {
    @Option(names = "--frames", defaultValue = "32", description = "Video frames (default: ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--tokens", defaultValue = "16", description = "Tokens to decode (default: ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--repeat", defaultValue = "1", description = "Runs of each pipeline; the best counts (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--layers", paramLabel = "N", description = "Decoder layers (default: 24, Qwen2-0.5B; 3 with --tiny).")
    Integer layers;

    @Option(names = "--vision-layers", paramLabel = "N", description = "Vision tower layers (default: "
            + AskBench.DEFAULT_VISION_LAYERS + " of SigLIP-so400m's 26, so the bench takes minutes; 2 with --tiny).")
    Integer visionLayers;

    @Option(names = "--keep", defaultValue = "0.25", description = "Budget of the token-count pipelines as a fraction of the "
            + "unreduced decoder rows (default: ${DEFAULT-VALUE}).")
    double keep;

    @Option(names = "--seed", defaultValue = "7", description = "Seed of the random weights (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--tiny", description = "A tiny model (hidden 64-72, 2 vision and 3 decoder layers, 112 px) to check the command in seconds.")
    boolean tiny;

    @CommandLine.Mixin
    CacheOption cache = new CacheOption();

    @Option(names = "--gemv-only", description = "Only the memory bandwidths and the decoder's matrix-vector products "
            + "(seconds; run once per -Dglimpse.gemm backend to compare them).")
    boolean gemvOnly;

    @Option(names = "--rss", description = "Instead of the table: the peak resident memory (VmHWM) of ask on a "
            + "LLaVA-1.5-7B-shaped random checkpoint (llava-1.5-tiny with --tiny) against the memory goal; the checkpoint "
            + "(13.5 GB in bf16) is written once under --cache.")
    boolean rss;

    @Option(names = "--weights", defaultValue = "auto", paramLabel = "FORMAT", description = "With --rss: the decoder's "
            + "weights, auto (bf16 as stored), f32, f16, bf16, q8_0 or q4_0 (default: ${DEFAULT-VALUE}).")
    String weights;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        int maxFrames = EncodeJob.MAX_FRAMES;
        if (frames < 1 || frames > maxFrames || tokens < 2 || repeat < 1 || !(keep > 0 && keep < 1)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "need --frames in [1, " + maxFrames
                    + "], --tokens >= 2, --repeat >= 1 and --keep in (0, 1)");
        }
        int towerLayers = ModelShapes.SIGLIP_SO400M.layers();
        if ((layers != null && layers < 1) || (visionLayers != null && (visionLayers < 1 || visionLayers > towerLayers))) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--layers must be >= 1 and --vision-layers in [1, "
                    + towerLayers + "]");
        }
        if (rss) {
            WeightFormat format = weights.equals("auto") ? null : WeightFormat.parse(weights);
            if ((format == null && !weights.equals("auto")) || (format != null && !format.quantizable())) {
                throw new CommandLine.ParameterException(spec.commandLine(), "unknown --weights '" + weights
                        + "' (auto, f32, f16, bf16, q8_0, q4_0)");
            }
            AskMemoryBench.run(new AskMemoryBench.Options(tiny ? ModelShapes.LLAVA_15_TINY : ModelShapes.LLAVA_15_7B, format,
                    tokens, seed, cache.dir), spec.commandLine().getOut(), spec.commandLine().getErr());
            return GlimpseCli.OK;
        }
        ModelShapes.OneVision shape = AskBench.shape(tiny, layers, visionLayers);
        if (gemvOnly) {
            AskBench.products(shape, spec.commandLine().getOut());
        } else {
            AskBench.run(new AskBench.Options(shape, tiny, frames, tokens, repeat, keep, seed, cache.dir),
                    spec.commandLine().getOut(), spec.commandLine().getErr());
        }
        return GlimpseCli.OK;
    }
}
