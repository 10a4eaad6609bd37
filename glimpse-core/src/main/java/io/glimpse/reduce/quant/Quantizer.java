package io.glimpse.reduce.quant;

import io.glimpse.tokens.TokenSet;

/**
 * Turns token embeddings (N×D floats) into small integer codes for storing or sending, and back. Implementations
 * are immutable and carry any calibration (ranges, scales) they were fitted with, so quantizing the dequantized
 * values gives the same codes again.
 */
public interface Quantizer {
    /** Short name, e.g. {@code fsq}. */
    String name();

    /** Embedding dimension D the quantizer was built for. */
    int dim();

    /** Number of distinct codes of dimension k: its codes lie in [0, levels(k)). */
    int levels(int k);

    /**
     * @param x row-major n×dim() finite values
     * @throws IllegalArgumentException on a wrong length or a NaN/Inf value
     */
    QuantizedTokens quantize(float[] x, int n);

    /** @throws IllegalArgumentException when the codes do not fit this quantizer */
    float[] dequantize(QuantizedTokens codes);

    default QuantizedTokens quantize(TokenSet tokens) {
        if (tokens.dim() != dim()) {
            throw new IllegalArgumentException(name() + ": tokens have dimension " + tokens.dim() + ", quantizer " + dim());
        }
        return quantize(tokens.embeddingsView(), tokens.size());
    }

    /** The tokens with their embeddings replaced by the dequantized codes (provenance unchanged). */
    default TokenSet dequantize(TokenSet tokens, QuantizedTokens codes) {
        return tokens.withEmbeddings(dequantize(codes), dim());
    }

    /** How far a quantize/dequantize round trip moves x. */
    default ReconstructionError roundTripError(float[] x, int n) {
        return ReconstructionError.of(x, dequantize(quantize(x, n)), n, dim());
    }
}
