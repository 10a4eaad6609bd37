package io.glimpse.lm;

/**
 * Position ids after tokens are removed. KEEP_ORIGINAL gives kept tokens
 * their original ids and lets later tokens continue the unpruned numbering (FastV's in-place code, HiPrune on
 * Qwen); RECOMPACT renumbers kept tokens consecutively and shifts later tokens down by the number dropped
 * (VisionDrop), which is also what pruning before the LLM implies. Both apply to tokens removed inside the LLM
 * ({@link LayerPruner}) and to visual tokens reduced before it (io.glimpse.llava.VisualPositions).
 */
public enum PositionPolicy {
    KEEP_ORIGINAL, RECOMPACT;

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
