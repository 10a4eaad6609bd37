package io.glimpse.reduce.quant;

import io.glimpse.reduce.ReduceContext;
import io.glimpse.reduce.Reducer;
import io.glimpse.tokens.TokenSet;
import java.util.function.Function;

/**
 * A pipeline step that stores and restores tokens: fits a quantizer to the input's embeddings, quantizes and
 * dequantizes them, and keeps the provenance. It shows in a pipeline what a model would see after sending token
 * sets through a quantized channel (TokenBridge, FSQ or binary codes). Parameters are those of the quantizer.
 */
public final class QuantizeRoundTrip implements Reducer {
    private final String name;
    private final Function<TokenSet, Quantizer> fit;

    /** @param fit builds the quantizer for a given input, e.g. {@code t -> FsqQuantizer.fit(...)} */
    public QuantizeRoundTrip(String name, Function<TokenSet, Quantizer> fit) {
        this.name = name;
        this.fit = fit;
    }

    /** TokenBridge bins fitted per dimension to each input. */
    public static QuantizeRoundTrip tokenBridge(int bins) {
        return new QuantizeRoundTrip("tokenbridge",
                t -> TokenBridgeQuantizer.fit(t.embeddingsView(), t.size(), t.dim(), bins));
    }

    /** FSQ with the same number of levels in every dimension, ranges fitted to each input. */
    public static QuantizeRoundTrip fsq(int levels) {
        return new QuantizeRoundTrip("fsq", t -> FsqQuantizer.fit(t.embeddingsView(), t.size(), t.dim(), new int[] {levels}));
    }

    /** Sign bits with a scale per token, or per dimension fitted to each input. */
    public static QuantizeRoundTrip binary(boolean perToken) {
        return new QuantizeRoundTrip("binary", t -> perToken ? new BinaryQuantizer(t.dim())
                : BinaryQuantizer.fitPerDimension(t.embeddingsView(), t.size(), t.dim()));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public TokenSet apply(TokenSet in, ReduceContext ctx) {
        Quantizer q = fit.apply(in);
        return q.dequantize(in, q.quantize(in));
    }
}
