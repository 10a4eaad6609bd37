package io.glimpse.bench.cli;

import io.glimpse.bench.fixture.ModelShapes;
import io.glimpse.bench.run.EncodeBench;
import io.glimpse.cli.GlimpseCli;
import io.glimpse.io.DType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code glimpse bench encode}: see {@link EncodeBench}. */
@Command(name = "encode", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Time vision towers of real sizes (random weights) against their GEMMs run directly, from an mmproj GGUF, "
                + "with in-encoder ToMe, and beside llama.cpp's mtmd on the same mmproj.")
final class BenchEncodeCommand implements Callable<Integer> {
    @Option(names = "--models", split = ",", defaultValue = "clip,siglip", paramLabel = "NAME",
            description = "Towers to time: clip (CLIP-L/14-336), siglip (SigLIP-so400m/384, OneVision's 26 layers) "
                    + "(default: ${DEFAULT-VALUE}).")
    List<String> models;

    @Option(names = "--repeat", defaultValue = "2", description = "Runs of each measurement; the best counts (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--dtype", defaultValue = "bf16", description = "Checkpoint dtype, bf16, f16 or f32 (default: ${DEFAULT-VALUE}).")
    String dtype;

    @Option(names = "--llama-mtmd", paramLabel = "PATH", description = "A llama.cpp llama-mtmd-cli binary, run on the same "
            + "tower written as an mmproj GGUF, its encode time printed beside Glimpse's.")
    Path llamaMtmd;

    @Option(names = "--seed", defaultValue = "7", description = "Seed of the random weights and image (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--tiny", description = "Tiny towers (hidden 64-72, 2 layers, 112 px) instead of the real sizes, to check the command.")
    boolean tiny;

    @CommandLine.Mixin
    CacheOption cache = new CacheOption();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        List<ModelShapes.Tower> towers = new ArrayList<>();
        for (String m : models) {
            towers.add(switch (m) {
                case "clip" -> tiny ? ModelShapes.CLIP_TINY : ModelShapes.CLIP_L_336;
                case "siglip" -> tiny ? ModelShapes.SIGLIP_TINY : ModelShapes.SIGLIP_SO400M;
                default -> throw new CommandLine.ParameterException(spec.commandLine(), "unknown model '" + m + "' (known: clip, siglip)");
            });
        }
        if (repeat < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--repeat must be ≥ 1");
        }
        DType type = switch (dtype) {
            case "bf16" -> DType.BF16;
            case "f16" -> DType.F16;
            case "f32" -> DType.F32;
            default -> throw new CommandLine.ParameterException(spec.commandLine(), "--dtype must be bf16, f16 or f32, got '" + dtype + "'");
        };
        if (llamaMtmd != null && !Files.isExecutable(llamaMtmd)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--llama-mtmd " + llamaMtmd + " is not an executable file");
        }
        EncodeBench.run(new EncodeBench.Options(towers, repeat, type, seed, cache.dir, llamaMtmd), spec.commandLine().getOut(),
                spec.commandLine().getErr());
        return GlimpseCli.OK;
    }
}
