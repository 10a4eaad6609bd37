package io.glimpse.reduce;

import io.glimpse.tokens.TokenSet;
import java.util.Arrays;

/** Input checks shared by reducers, so every method rejects bad input with the same clear messages. */
final class ReduceChecks {
    private ReduceChecks() {
    }

    /** Rejects NaN/Inf embeddings: a reducer that averages or ranks them would spread them silently. */
    static void requireFinite(String method, TokenSet in) {
        float[] e = in.embeddingsView();
        for (int i = 0; i < e.length; i++) {
            if (!Float.isFinite(e[i])) {
                throw new IllegalArgumentException(method + ": token " + i / in.dim() + " has a non-finite embedding value "
                        + e[i] + " at dimension " + i % in.dim());
            }
        }
    }

    static void requireTokens(String method, TokenSet in) {
        if (in.size() == 0) {
            throw new IllegalArgumentException(method + ": the token set is empty");
        }
    }

    /** Token indices of each frame, in token order. */
    static int[][] tokensByFrame(TokenSet in) {
        int[] count = new int[in.frameCount()];
        for (int t = 0; t < in.size(); t++) {
            count[in.frame(t)]++;
        }
        int[][] byFrame = new int[in.frameCount()][];
        for (int f = 0; f < byFrame.length; f++) {
            byFrame[f] = new int[count[f]];
        }
        int[] fill = new int[in.frameCount()];
        for (int t = 0; t < in.size(); t++) {
            int f = in.frame(t);
            byFrame[f][fill[f]++] = t;
        }
        return byFrame;
    }

    /**
     * The k candidates with the highest score, best first; ties go to the lower token index so results are
     * deterministic.
     */
    static int[] topK(float[] score, int[] candidates, int k) {
        Integer[] order = new Integer[candidates.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = candidates[i];
        }
        Arrays.sort(order, (a, b) -> {
            int bySc = Float.compare(score[b], score[a]);
            return bySc != 0 ? bySc : Integer.compare(a, b);
        });
        int[] top = new int[k];
        for (int i = 0; i < k; i++) {
            top[i] = order[i];
        }
        return top;
    }
}
