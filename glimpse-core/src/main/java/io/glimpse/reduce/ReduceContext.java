package io.glimpse.reduce;

import io.glimpse.tokens.AttentionMaps;

/**
 * What a reducer may use besides the tokens.
 *
 * @param seed      seed for any randomness (methods must be deterministic for a fixed seed)
 * @param attention the encoder's per-patch attention maps (CLS→patch or received, by block; see
 *                  {@link AttentionScores}), each indexed by ORIGINAL patch (length = TokenSet.patchCount()); empty
 *                  when the encoder supplies none
 * @param relevance per-patch relevance to a query (indexed by original patch), or null
 */
public record ReduceContext(long seed, AttentionMaps attention, float[] relevance) {
    public ReduceContext {
        java.util.Objects.requireNonNull(attention, "attention");
    }

    public static ReduceContext defaults() {
        return new ReduceContext(0L, AttentionMaps.empty(), null);
    }
}
