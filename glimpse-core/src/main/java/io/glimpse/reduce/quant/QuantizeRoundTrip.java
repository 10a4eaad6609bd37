package io.glimpse.reduce.quant;

import io.glimpse.reduce.ParamDef;
import io.glimpse.reduce.ReduceContext;
import io.glimpse.reduce.Reducer;
import io.glimpse.reduce.ReducerMethod;
import io.glimpse.reduce.Site;
import io.glimpse.tokens.TokenSet;
import java.util.function.Function;

/**
 * A pipeline step that stores and restores tokens: fits a quantizer to the input's embeddings, quantizes and
 * dequantizes them, and keeps the provenance. It shows in a pipeline what a model would see after sending token
 * sets through a quantized channel. Spec forms: {@code tokenbridge:bins=64,layout=uniform|gaussian} (TokenBridge,
 * Wang et al. 2025), {@code fsq:levels=8x5x5x5} (FSQ, Mentzer et al. ICLR 2024; the
 * list of levels repeats over the dimensions) and
 * {@code binary:scale=token|dim} (sign bits, Instella-T2I); ranges and scales are fitted to each input.
 */
public final class QuantizeRoundTrip implements Reducer {
    public static final ReducerMethod TOKENBRIDGE = ReducerMethod.of("tokenbridge", Site.ENCODER,
            "round trip through TokenBridge per-dimension bins (store/send at log2(bins) bits a value)",
            spec -> tokenBridge(spec.integer("bins"), spec.choice("layout").equals("gaussian")),
            ParamDef.integer("bins", 2, 1 << 16, TokenBridgeQuantizer.DEFAULT_BINS,
                    "reconstruction values per dimension"),
            ParamDef.choice("layout", "uniform", "uniform = equal bins over [min, max]; gaussian = the paper's normal "
                    + "quantile bins over mean ± 3 std", "uniform", "gaussian"));

    public static final ReducerMethod FSQ = ReducerMethod.of("fsq", Site.ENCODER,
            "round trip through finite scalar quantization with fitted ranges",
            spec -> fsq(spec.integers("levels")),
            ParamDef.integers("levels", 2, 1 << 16, FsqQuantizer.DEFAULT_LEVELS,
                    "levels per dimension, the list repeating over the dimensions (8x5x5x5: the paper's 2^10 codes "
                            + "per 4 dimensions)"));

    public static final ReducerMethod BINARY = ReducerMethod.of("binary", Site.ENCODER,
            "round trip through sign bits restored as ± a scale",
            spec -> binary(spec.choice("scale").equals("token")),
            ParamDef.choice("scale", "token", "token = each token's mean |x|, dim = each dimension's mean |x|",
                    "token", "dim"));

    private final String name;
    private final Function<TokenSet, Quantizer> fit;

    /** @param fit builds the quantizer for a given input, e.g. {@code t -> FsqQuantizer.fit(...)} */
    public QuantizeRoundTrip(String name, Function<TokenSet, Quantizer> fit) {
        this.name = name;
        this.fit = fit;
    }

    /** TokenBridge bins fitted per dimension to each input: uniform over [min, max], or the paper's Gaussian. */
    public static QuantizeRoundTrip tokenBridge(int bins, boolean gaussian) {
        return new QuantizeRoundTrip(TOKENBRIDGE.name(), t -> gaussian
                ? TokenBridgeQuantizer.fitGaussian(t.embeddingsView(), t.size(), t.dim(), bins)
                : TokenBridgeQuantizer.fit(t.embeddingsView(), t.size(), t.dim(), bins));
    }

    /** FSQ with dimension k at levels[k mod levels.length], ranges fitted to each input. */
    public static QuantizeRoundTrip fsq(int[] levels) {
        int[] copy = levels.clone();
        return new QuantizeRoundTrip(FSQ.name(), t -> FsqQuantizer.fit(t.embeddingsView(), t.size(), t.dim(), copy));
    }

    /** Sign bits with a scale per token, or per dimension fitted to each input. */
    public static QuantizeRoundTrip binary(boolean perToken) {
        return new QuantizeRoundTrip(BINARY.name(), t -> perToken ? new BinaryQuantizer(t.dim())
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
