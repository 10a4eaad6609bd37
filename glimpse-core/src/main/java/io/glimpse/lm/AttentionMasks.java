package io.glimpse.lm;

/** Builders of the attention masks a sequence [text before][visual tokens][text after] can use. */
public final class AttentionMasks {
    private AttentionMasks() {
    }

    /** Ordinary causal mask: query i sees keys 0..i. */
    public static AttentionMask causal(int length) {
        if (length < 0) {
            throw new IllegalArgumentException("sequence length must be non-negative, got " + length);
        }
        return new AttentionMask(causalEnds(length));
    }

    private static int[] causalEnds(int length) {
        int[] end = new int[length];
        for (int i = 0; i < length; i++) {
            end[i] = i + 1;
        }
        return end;
    }

    /**
     * Frame-wise block-causal mask of TC-LLaVA (Gao et al., arXiv 2409.03206): allowed(i, j) = j ≤ i, or i and j
     * are visual rows of the same frame. Visual rows thus see their whole frame and everything before it; text
     * before and after the visual block stays causal.
     *
     * @param frameOfRow the frame of each visual row
     * @throws IllegalArgumentException when the rows are not grouped by frame (a frame's rows must be contiguous)
     */
    public static AttentionMask frameBlockCausal(int textBefore, int[] frameOfRow, int textAfter) {
        if (textBefore < 0 || textAfter < 0) {
            throw new IllegalArgumentException("text lengths must be non-negative, got " + textBefore + " and " + textAfter);
        }
        int n = frameOfRow.length;
        int[] end = causalEnds(textBefore + n + textAfter);
        int blockStart = 0;
        for (int t = 1; t <= n; t++) {
            if (t < n && frameOfRow[t] < frameOfRow[t - 1]) {
                throw new IllegalArgumentException("token " + t + " of frame " + frameOfRow[t] + " follows a token of frame "
                        + frameOfRow[t - 1] + "; a frame-block mask needs tokens grouped by frame");
            }
            if (t == n || frameOfRow[t] != frameOfRow[blockStart]) {
                for (int i = blockStart; i < t; i++) {
                    end[textBefore + i] = textBefore + t;
                }
                blockStart = t;
            }
        }
        return new AttentionMask(end);
    }

    /**
     * The mask of a draft tree verified in one call (SpecInfer, Miao et al., ASPLOS 2024; Token Recycling, Luo et al.,
     * ACL 2025): each node sees itself and its ancestors, not its siblings' branches.
     *
     * @param parent each node's parent row, which must come before it; -1 for the root (row 0)
     */
    public static AttentionMask tree(int[] parent) {
        int n = parent.length;
        boolean[] seen = new boolean[n * n];
        for (int i = 0; i < n; i++) {
            if ((i == 0) != (parent[i] == -1) || parent[i] >= i || parent[i] < -1) {
                throw new IllegalArgumentException("node " + i + " has parent " + parent[i] + "; the root is row 0 and "
                        + "every other node follows its parent");
            }
            for (int a = i; a >= 0; a = parent[a]) {
                seen[i * n + a] = true;
            }
        }
        return new AttentionMask(causalEnds(n), seen);
    }
}
