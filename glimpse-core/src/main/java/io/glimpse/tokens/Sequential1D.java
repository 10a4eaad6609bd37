package io.glimpse.tokens;

/**
 * Visual tokens take consecutive positions start, start+1, … in token order, as LLaVA-1.5/OneVision feed
 * them (Liu et al., "Visual Instruction Tuning", NeurIPS 2023). After a reduction the kept tokens close ranks,
 * which is what those models saw in training; reducers keep (frame,row,col) order so this stays meaningful.
 */
public final class Sequential1D implements PositionScheme {
    @Override
    public int axes() {
        return 1;
    }

    @Override
    public int[][] visual(TokenSet tokens, int start) {
        if (start < 0) {
            throw new IllegalArgumentException("start position must be non-negative, got " + start);
        }
        int[] ids = new int[tokens.size()];
        for (int t = 0; t < ids.length; t++) {
            ids[t] = start + t;
        }
        return new int[][] {ids};
    }
}
