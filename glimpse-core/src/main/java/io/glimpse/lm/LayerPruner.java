package io.glimpse.lm;

/**
 * In-LLM token pruning during a prefill: before a chosen layer, given the attention the last token paid to
 * every cached key at the layer before, pick which of the call's tokens continue. Dropped tokens are removed
 * physically: the layers from there on neither compute nor cache them.
 */
public interface LayerPruner {
    /** Whether {@link #keep} is consulted before {@code layer} (then the layer before records its attention). */
    boolean actsBefore(int layer);

    /**
     * Rows of the current call to keep, strictly ascending.
     *
     * @param lastAttention head-mean attention probabilities of the call's last token over the keys of layer - 1,
     *                      indexed by cache slot; the call's row r is slot {@code past + r}
     * @param past          tokens cached before this call in layer - 1
     * @param rows          rows the call still carries
     */
    int[] keep(int layer, float[] lastAttention, int past, int rows);

    /** How kept tokens are numbered for RoPE in later layers and for the tokens that follow. */
    default PositionPolicy positions() {
        return PositionPolicy.KEEP_ORIGINAL;
    }
}
