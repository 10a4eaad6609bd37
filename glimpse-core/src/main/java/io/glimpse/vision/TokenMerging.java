package io.glimpse.vision;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * ToMe's bipartite soft matching inside the encoder (Bolya et al., "Token Merging: Your ViT But Faster", ICLR 2023),
 * in the token order of the authors' tome/merge.py so merged encoders agree with theirs layer by layer: tokens at
 * even positions form set A, odd positions set B; each A token's most cosine-similar B token (on the head-mean keys)
 * is its match; the r A tokens with the most similar matches merge into them. The new sequence is the unmerged A
 * tokens (by descending similarity, or by position when a protected CLS token leads) followed by every B token.
 */
final class TokenMerging {
    private TokenMerging() {
    }

    /**
     * @param target for each input token, the output token it becomes
     * @param count  number of output tokens
     */
    record Plan(int[] target, int count) {
    }

    /**
     * @param metric       t×c row-major (the keys averaged over heads)
     * @param r            tokens to merge; capped at (t − protected) / 2
     * @param protectFirst token 0 is a CLS token that never merges and stays first
     */
    static Plan plan(float[] metric, int t, int c, int r, boolean protectFirst) {
        int protectedCount = protectFirst ? 1 : 0;
        r = Math.min(r, (t - protectedCount) / 2);
        double[] norm = new double[t];
        for (int i = 0; i < t; i++) {
            double s = 0;
            for (int k = 0; k < c; k++) {
                s += (double) metric[i * c + k] * metric[i * c + k];
            }
            norm[i] = Math.sqrt(s);
        }
        int na = (t + 1) / 2;
        int nb = t / 2;
        double[] best = new double[na];
        int[] bestB = new int[na];
        // Each A token's search is independent and writes only its own slots, so A tokens run in parallel.
        IntStream.range(0, na).parallel().forEach(a -> {
            best[a] = Double.NEGATIVE_INFINITY;
            if (protectFirst && a == 0) {
                return;
            }
            for (int b = 0; b < nb; b++) {
                double s = 0;
                for (int k = 0; k < c; k++) {
                    s += (double) metric[2 * a * c + k] * metric[(2 * b + 1) * c + k];
                }
                s /= norm[2 * a] * norm[2 * b + 1];
                if (s > best[a]) {
                    best[a] = s;
                    bestB[a] = b;
                }
            }
        });
        Integer[] edge = IntStream.range(0, na).boxed().toArray(Integer[]::new);
        Arrays.sort(edge, Comparator.comparingDouble((Integer a) -> -best[a]).thenComparingInt(a -> a));
        Integer[] unmerged = Arrays.copyOfRange(edge, r, na);
        if (protectFirst) {
            Arrays.sort(unmerged);
        }
        int[] target = new int[t];
        for (int k = 0; k < unmerged.length; k++) {
            target[2 * unmerged[k]] = k;
        }
        for (int b = 0; b < nb; b++) {
            target[2 * b + 1] = unmerged.length + b;
        }
        for (int k = 0; k < r; k++) {
            int a = edge[k];
            target[2 * a] = unmerged.length + bestB[a];
        }
        return new Plan(target, unmerged.length + nb);
    }
}
