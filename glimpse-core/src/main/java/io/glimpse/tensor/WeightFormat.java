package io.glimpse.tensor;

import java.util.Arrays;
import java.util.Locale;

/**
 * How a weight matrix is stored: plain floats of three widths, llama.cpp's block quantizations Q8_0 (32 int8 and one
 * f16 scale per block) and Q4_0 (32 4-bit codes and one f16 scale), and its k-quant super-blocks of 256 weights Q4_K
 * (eight sub-blocks of 32 4-bit codes with 6-bit scales and mins) and Q6_K (sixteen sub-blocks of 16 6-bit codes with
 * int8 scales), in ggml's byte layouts (ggml-common.h block_q8_0, block_q4_0, block_q4_K, block_q6_K). Glimpse reads
 * the k-quants from GGUF files but does not quantize to them ({@link #quantizable()}).
 */
public enum WeightFormat {
    F32(1, 4), F16(1, 2), BF16(1, 2), Q8_0(32, 34), Q4_0(32, 18), Q4_K(256, 144), Q6_K(256, 210);

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

    /**
     * Whether {@link WeightQuantizer} converts to this format. The k-quants are read as stored only: llama.cpp's
     * quantizers for them search scales per sub-block, which Glimpse does not reproduce.
     */
    public boolean quantizable() {
        return blockSize <= 32;
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
