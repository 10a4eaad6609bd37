package io.glimpse.tensor;

import java.util.Arrays;
import java.util.Locale;

/**
 * How a weight matrix is stored: plain floats of three widths, or llama.cpp's block quantizations Q8_0 (32 int8 and one
 * f16 scale per block) and Q4_0 (32 4-bit codes and one f16 scale), in ggml's byte layouts (ggml-common.h block_q8_0,
 * block_q4_0).
 */
public enum WeightFormat {
    F32(1, 4), F16(1, 2), BF16(1, 2), Q8_0(32, 34), Q4_0(32, 18);

    private final int blockSize;
    private final int blockBytes;

    WeightFormat(int blockSize, int blockBytes) {
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
    }

    /** Weights per block (1 for the float formats). */
    public int blockSize() {
        return blockSize;
    }

    public int blockBytes() {
        return blockBytes;
    }

    /** Bytes of one row of {@code cols} weights; quantized rows must be whole blocks. */
    public long rowBytes(int cols) {
        if (cols % blockSize != 0) {
            throw new IllegalArgumentException(this + " rows need a multiple of " + blockSize + " weights, got " + cols);
        }
        return (long) cols / blockSize * blockBytes;
    }

    /** The lower-case name used on the command line ({@code q8_0}). */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The format spelled {@code name} (any case), or null. */
    public static WeightFormat parse(String name) {
        return Arrays.stream(values()).filter(f -> f.name().equalsIgnoreCase(name)).findFirst().orElse(null);
    }
}
