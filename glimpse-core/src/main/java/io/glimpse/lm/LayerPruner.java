package io.glimpse.lm;

/**
 * In-LLM token pruning during a prefill: before a chosen layer, given the attention of the layer before, pick
 * which of the call's tokens continue. Dropped tokens are removed physically: the layers from there on neither
 * compute nor cache them.
 */
public interface LayerPruner {
    /** Whether {@link #keep} is consulted before {@code layer} (then the layer before records its attention). */
    boolean actsBefore(int layer);

    /**
     * Rows of the current call to keep, strictly ascending, among {@code attention.rows()}.
     *
     * @param attention the attention of layer - 1 over the rows that reached it
     */
    int[] keep(int layer, LayerAttention attention);

    /** How kept tokens are numbered for RoPE in later layers and for the tokens that follow. */
    default PositionPolicy positions() {
        return PositionPolicy.KEEP_ORIGINAL;
    }
}
