package io.glimpse.lm;

import io.glimpse.tokens.TokenSet;

/**
 * Position ids after tokens are removed (research/algorithms.md §0, point 2). KEEP_ORIGINAL gives kept tokens
 * their original ids and lets later tokens continue the unpruned numbering (FastV's in-place code, HiPrune on
 * Qwen); RECOMPACT renumbers kept tokens consecutively and shifts later tokens down by the number dropped
 * (VisionDrop), which is also what pruning before the LLM implies. Both apply to tokens removed inside the LLM
 * ({@link LayerPruner}) and to a TokenSet reduced before it ({@link #visual}).
 */
public enum PositionPolicy {
    KEEP_ORIGINAL, RECOMPACT;

    /**
     * Positions of a (possibly reduced) TokenSet's visual tokens in a block starting at {@code start}: under
     * KEEP_ORIGINAL each token sits where its anchor patch sat in the unreduced frame-major block (from provenance);
     * under RECOMPACT tokens take start, start+1, … in token order.
     */
    public int[] visual(TokenSet tokens, int start) {
        if (start < 0) {
            throw new IllegalArgumentException("start position must be non-negative, got " + start);
        }
        int[] out = new int[tokens.size()];
        for (int t = 0; t < out.length; t++) {
            out[t] = start + (this == RECOMPACT ? t : tokens.patchIndex(tokens.frame(t), tokens.row(t), tokens.col(t)));
        }
        return out;
    }

    /** Positions the visual block occupies, so the text after it starts at start + span. */
    public int span(TokenSet tokens) {
        return this == RECOMPACT ? tokens.size() : tokens.patchCount();
    }

    /**
     * Positions of the kept rows.
     *
     * @param positions positions of all rows before the cut
     * @param kept      kept rows, ascending
     */
    public int[] apply(int[] positions, int[] kept) {
        int[] out = new int[kept.length];
        for (int i = 0; i < kept.length; i++) {
            out[i] = this == KEEP_ORIGINAL ? positions[kept[i]] : positions[0] + i;
        }
        return out;
    }
}
