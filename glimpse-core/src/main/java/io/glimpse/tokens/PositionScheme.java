package io.glimpse.tokens;

/**
 * Derives LLM position ids from a TokenSet's provenance (DESIGN.md §3: positions are never stored, so
 * reducers cannot get them wrong). A sequence is laid out as [text before][visual tokens][text after].
 */
public interface PositionScheme {
    /** Coordinates per position: 1 for ordinary RoPE, 3 for multimodal RoPE (t, h, w). */
    int axes();

    /**
     * Positions of the visual tokens, in token order, when the visual block begins at position {@code start}.
     *
     * @return ids[axis][token]
     */
    int[][] visual(TokenSet tokens, int start);

    /**
     * Positions of a whole sequence: the text before gets 0..textBefore-1 on every axis, the visual block
     * begins at textBefore, and the text after continues from one past the largest visual position on any axis
     * (Qwen2-VL's get_rope_index rule; for 1-D positions that is simply the next index).
     *
     * @return ids[axis][position in the sequence]
     */
    default int[][] sequence(int textBefore, TokenSet tokens, int textAfter) {
        if (textBefore < 0 || textAfter < 0) {
            throw new IllegalArgumentException("text lengths must be non-negative, got " + textBefore + " and " + textAfter);
        }
        int n = tokens.size();
        int[][] vis = visual(tokens, textBefore);
        int[][] ids = new int[axes()][textBefore + n + textAfter];
        int next = textBefore;
        for (int[] axis : vis) {
            for (int v : axis) {
                next = Math.max(next, v + 1);
            }
        }
        for (int a = 0; a < axes(); a++) {
            for (int i = 0; i < textBefore; i++) {
                ids[a][i] = i;
            }
            System.arraycopy(vis[a], 0, ids[a], textBefore, n);
            for (int i = 0; i < textAfter; i++) {
                ids[a][textBefore + n + i] = next + i;
            }
        }
        return ids;
    }
}
