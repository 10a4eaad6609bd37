package io.glimpse.tokens;

/**
 * Qwen2-VL multimodal RoPE ids (Wang et al., "Qwen2-VL", arXiv 2409.12191; transformers' get_rope_index):
 * each visual token gets (t, h, w) = start + (frame index, row, column) of its anchor patch, so a merged
 * token sits where its anchor was and a pruned set keeps the original coordinates of what it kept (as vLLM
 * does after pruning). Frame indices are those of the frame table, so a dropped frame leaves a gap in t.
 * One TokenSet frame is one temporal step of the model: for Qwen2-VL video, a pair of frames.
 */
public final class MRope3D implements PositionScheme {
    @Override
    public int axes() {
        return 3;
    }

    @Override
    public int[][] visual(TokenSet tokens, int start) {
        if (start < 0) {
            throw new IllegalArgumentException("start position must be non-negative, got " + start);
        }
        int n = tokens.size();
        int[][] ids = new int[3][n];
        for (int t = 0; t < n; t++) {
            ids[0][t] = start + tokens.frame(t);
            ids[1][t] = start + tokens.row(t);
            ids[2][t] = start + tokens.col(t);
        }
        return ids;
    }
}
