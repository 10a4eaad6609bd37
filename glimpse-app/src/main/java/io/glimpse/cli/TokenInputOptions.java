package io.glimpse.cli;

import io.glimpse.job.ReduceJob;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Locale;

/** The encoder output file that reduce and compare read, how to read it, and the seed of the methods. */
final class TokenInputOptions {
    @Parameters(index = "0", paramLabel = "IN", description = "safetensors file with the tokens")
    Path in;

    @Option(names = "--grid", paramLabel = "HxW", description = "Patch grid of each frame when the file does not say "
            + "(default: from metadata gridH/gridW, or a square).")
    String grid;

    @Option(names = "--drop-cls", description = "The first token of each frame is a CLS token: drop it.")
    boolean dropCls;

    @Option(names = "--fps", defaultValue = "1", paramLabel = "F", description = "Frame rate for timestamps of [T,N,D] input (default: ${DEFAULT-VALUE}).")
    double fps;

    @Option(names = "--seed", defaultValue = "0", description = "Seed for methods with randomness (default: ${DEFAULT-VALUE}).")
    long seed;

    ReduceJob.Input input(CommandLine cl) {
        int h = 0;
        int w = 0;
        if (grid != null) {
            String[] parts = grid.toLowerCase(Locale.ROOT).split("x");
            try {
                if (parts.length != 2) {
                    throw new NumberFormatException();
                }
                h = Integer.parseInt(parts[0].trim());
                w = Integer.parseInt(parts[1].trim());
            } catch (NumberFormatException e) {
                throw new CommandLine.ParameterException(cl, "--grid must look like 24x24, got '" + grid + "'");
            }
            if (h <= 0 || w <= 0) {
                throw new CommandLine.ParameterException(cl, "--grid must be positive, got '" + grid + "'");
            }
        }
        if (!(fps > 0) || Double.isInfinite(fps)) {
            throw new CommandLine.ParameterException(cl, "--fps must be positive, got " + fps);
        }
        return new ReduceJob.Input(in, h, w, dropCls, fps, seed);
    }
}
