package io.glimpse.plan;

/** Splits a token budget over frames by their relevance to a query. */
public interface QueryAllocation {
    /**
     * Tokens for each frame: 0 means the frame is dropped, no frame gets more than its native count, and the
     * sum never exceeds {@code budget}.
     *
     * @param relevance    per-frame relevance, finite and ≥ 0 (e.g. P("yes") from a scorer)
     * @param nativeTokens per-frame token count before reduction, each ≥ 1
     * @param budget       total tokens, ≥ 1
     */
    int[] allocate(double[] relevance, int[] nativeTokens, int budget);
}
