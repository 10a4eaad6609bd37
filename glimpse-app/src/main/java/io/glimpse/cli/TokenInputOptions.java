package io.glimpse.cli;

import io.glimpse.tokens.EncoderOutput;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/** How to read an encoder's output file: shared by reduce and compare. */
final class TokenInputOptions {
    @Option(names = "--grid", paramLabel = "HxW", description = "Patch grid of each frame when the file does not say "
            + "(default: from metadata gridH/gridW, or a square).")
    String grid;

    @Option(names = "--drop-cls", description = "The first token of each frame is a CLS token: drop it.")
    boolean dropCls;

    @Option(names = "--fps", defaultValue = "1", paramLabel = "F", description = "Frame rate for timestamps of [T,N,D] input (default: ${DEFAULT-VALUE}).")
    double fps;

    EncoderOutput read(Path file) throws IOException {
        int h = 0;
        int w = 0;
        if (grid != null) {
            String[] parts = grid.toLowerCase(java.util.Locale.ROOT).split("x");
            try {
                if (parts.length != 2) {
                    throw new NumberFormatException();
                }
                h = Integer.parseInt(parts[0].trim());
                w = Integer.parseInt(parts[1].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--grid must look like 24x24, got '" + grid + "'");
            }
            if (h <= 0 || w <= 0) {
                throw new IllegalArgumentException("--grid must be positive, got '" + grid + "'");
            }
        }
        if (!(fps > 0) || Double.isInfinite(fps)) {
            throw new IllegalArgumentException("--fps must be positive, got " + fps);
        }
        return EncoderOutput.read(file, h, w, dropCls, fps);
    }
}
