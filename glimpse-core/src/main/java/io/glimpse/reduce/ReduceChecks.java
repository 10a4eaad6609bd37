package io.glimpse.reduce;

import io.glimpse.io.BadInputException;
import io.glimpse.tokens.TokenSet;
import java.util.Arrays;

/** Input checks and per-frame bookkeeping shared by reducers, so every method rejects bad input alike. */
final class ReduceChecks {
    private ReduceChecks() {
    }

    /** Rejects NaN/Inf embeddings: a reducer that averages or ranks them would spread them silently. */
    static void requireFinite(String method, TokenSet in) {
        float[] e = in.embeddingsView();
        for (int i = 0; i < e.length; i++) {
            if (!Float.isFinite(e[i])) {
                throw new BadInputException(method + ": token " + i / in.dim() + " has a non-finite embedding value "
                        + e[i] + " at dimension " + i % in.dim());
            }
        }
    }

    static void requireTokens(String method, TokenSet in) {
        if (in.size() == 0) {
            throw new BadInputException(method + ": the token set is empty");
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
     * A budget's total apportioned over the frames that hold tokens ({@link Budget#apportion}): entry f is frame f's
     * share, 0 for frames without tokens.
     */
    static int[] frameBudgets(String method, int[][] byFrame, Budget budget) {
        int n = Arrays.stream(byFrame).mapToInt(t -> t.length).sum();
        int[] sizes = Arrays.stream(byFrame).filter(t -> t.length > 0).mapToInt(t -> t.length).toArray();
        int[] shares = Budget.apportion(budget.target(n, method), sizes, method);
        int[] quota = new int[byFrame.length];
        int i = 0;
        for (int f = 0; f < byFrame.length; f++) {
            if (byFrame[f].length > 0) {
                quota[f] = shares[i++];
            }
        }
        return quota;
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
