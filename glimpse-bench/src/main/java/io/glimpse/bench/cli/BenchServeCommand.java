package io.glimpse.bench.cli;

import io.glimpse.bench.run.AskBench;
import io.glimpse.bench.run.ServeBench;
import io.glimpse.cli.GlimpseCli;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code glimpse bench serve}: see {@link ServeBench}. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Time to first token of a follow-up question about a video vs the first question, through a live "
                + "server whose media and KV prefix caches are warm for the follow-up (random OneVision-0.5B-shaped model).")
final class BenchServeCommand implements Callable<Integer> {
    @Option(names = "--frames", defaultValue = "32", description = "Video frames (default: ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--tokens", defaultValue = "8", description = "Tokens each answer decodes (default: ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--layers", paramLabel = "N", description = "Decoder layers (default: 24, Qwen2-0.5B; 3 with --tiny).")
    Integer layers;

    @Option(names = "--vision-layers", paramLabel = "N", description = "Vision tower layers (default: "
            + AskBench.DEFAULT_VISION_LAYERS + " of SigLIP-so400m's 26; 2 with --tiny).")
    Integer visionLayers;

    @Option(names = "--seed", defaultValue = "7", description = "Seed of the random weights (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--tiny", description = "A tiny model to check the command in seconds.")
    boolean tiny;

    @CommandLine.Mixin
    CacheOption cache = new CacheOption();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (frames < 1 || frames > 64 || tokens < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "need --frames in [1, 64] and --tokens >= 1");
        }
        ServeBench.run(new ServeBench.Options(AskBench.shape(tiny, layers, visionLayers), tiny, frames, tokens, seed, cache.dir),
                spec.commandLine().getOut(), spec.commandLine().getErr());
        return GlimpseCli.OK;
    }
}
