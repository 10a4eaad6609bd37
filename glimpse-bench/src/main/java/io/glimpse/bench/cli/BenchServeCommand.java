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
        description = {"Through a live server (random OneVision-0.5B-shaped model): time to first token of a follow-up "
                + "question about a video vs the first question, the media and KV prefix caches warm for the follow-up; "
                + "then aggregate decode tokens/s of --clients questions at once vs one alone (decode steps batched)."})
final class BenchServeCommand implements Callable<Integer> {
    @Option(names = "--frames", defaultValue = "32", description = "Video frames (default: ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--tokens", defaultValue = "8", description = "Tokens each answer decodes (default: ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--clients", defaultValue = "4", description = "Concurrent clients of the batched-decode measurement (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--decode-tokens", defaultValue = "64", description = "Tokens each of their answers decodes (default: ${DEFAULT-VALUE}).")
    int decodeTokens;

    @Option(names = "--runs", defaultValue = "3", description = "Runs of each batched-decode measurement; the best counts (default: ${DEFAULT-VALUE}).")
    int runs;

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
        if (clients < 2 || clients > 64 || decodeTokens < 2 || runs < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "need --clients in [2, 64], --decode-tokens >= 2 and --runs >= 1");
        }
        ServeBench.run(new ServeBench.Options(AskBench.shape(tiny, layers, visionLayers), tiny, frames, tokens, clients,
                        decodeTokens, runs, seed, cache.dir),
                spec.commandLine().getOut(), spec.commandLine().getErr());
        return GlimpseCli.OK;
    }
}
