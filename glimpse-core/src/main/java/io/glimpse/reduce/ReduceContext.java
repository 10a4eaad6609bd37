package io.glimpse.reduce;

import java.util.Map;

/**
 * What a reducer may use besides the tokens.
 *
 * @param seed      seed for any randomness (methods must be deterministic for a fixed seed)
 * @param attention named per-patch attention scores from the encoder (e.g. {@code "cls@12"} → CLS→patch
 *                  attention at layer 12 averaged over heads, {@code "received@23"} → mean attention each patch
 *                  receives from the patch queries at layer 23, see {@link AttentionScores}), each indexed by ORIGINAL patch (length = TokenSet.patchCount()); empty
 *                  when the encoder supplies none
 * @param relevance per-patch relevance to a query (indexed by original patch), or null
 */
public record ReduceContext(long seed, Map<String, float[]> attention, float[] relevance) {
    public ReduceContext {
        attention = Map.copyOf(attention);
    }

    public static ReduceContext defaults() {
        return new ReduceContext(0L, Map.of(), null);
    }
}
