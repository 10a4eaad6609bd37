package io.glimpse.bench.cli;

import io.glimpse.bench.run.AskBench;
import io.glimpse.bench.run.SpeculateBench;
import io.glimpse.cli.GlimpseCli;
import io.glimpse.tensor.WeightFormat;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code glimpse bench speculate}: see {@link SpeculateBench}. */
@Command(name = "speculate", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Greedy decode tokens/s of Token Recycling against plain decoding, and the tokens it accepts per "
                + "forward, on repetitive and free text with the random-weight LLaVA-OneVision-0.5B-shaped decoder.")
final class BenchSpeculateCommand implements Callable<Integer> {
    @Option(names = "--tokens", defaultValue = "64", description = "Tokens to decode per prompt (default: ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--repeat", defaultValue = "1", description = "Runs of each prompt and method; the best counts (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--tree", split = ",", defaultValue = "reference,compact", paramLabel = "TREE", description = "Draft "
            + "trees, one table each: reference (the paper's 80 nodes), compact (7 nodes for CPUs) or a template file, one "
            + "node per line as its child ranks from the root (default: ${DEFAULT-VALUE}).")
    List<String> trees;

    @Option(names = "--weights", split = ",", defaultValue = "q8_0,bf16", paramLabel = "FORMAT",
            description = "Weight formats of the decoder, one table each: auto (as stored), f32, f16, bf16, q8_0, q4_0 "
                    + "(default: ${DEFAULT-VALUE}).")
    List<String> weights;

    @Option(names = "--seed", defaultValue = "7", description = "Seed of the random weights (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--tiny", description = "A tiny decoder (hidden 64, 3 layers) to check the command in seconds.")
    boolean tiny;

    @CommandLine.Mixin
    CacheOption cache = new CacheOption();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (tokens < 2 || repeat < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "need --tokens >= 2 and --repeat >= 1");
        }
        List<WeightFormat> formats = new ArrayList<>();
        for (String w : weights) {
            WeightFormat f = WeightFormat.parse(w);
            if (f == null && !w.equals("auto")) {
                throw new CommandLine.ParameterException(spec.commandLine(), "unknown --weights '" + w
                        + "' (auto, f32, f16, bf16, q8_0, q4_0)");
            }
            formats.add(f);
        }
        SpeculateBench.run(new SpeculateBench.Options(AskBench.shape(tiny, null, null), trees, tokens, repeat,
                seed, cache.dir, formats), spec.commandLine().getOut(), spec.commandLine().getErr());
        return GlimpseCli.OK;
    }
}
