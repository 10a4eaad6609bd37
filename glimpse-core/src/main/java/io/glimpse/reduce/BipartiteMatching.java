package io.glimpse.reduce;

import io.glimpse.tokens.TokenSet;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * ToMe's bipartite soft matching applied in rounds until each partition of the tokens reaches its target count
 * (Bolya et al., "Token Merging: Your ViT but Faster", ICLR 2023, arXiv 2210.09461; facebookresearch/ToMe,
 * tome/merge.py {@code bipartite_soft_matching}).
 * Shared by {@link BipartiteMerge} (one partition) and {@link AimFrameMerge} (one per frame).
 */
final class BipartiteMatching {
    private BipartiteMatching() {
    }

    /**
     * Merges tokens until partition p holds at most {@code target[p]} tokens. Each round splits a partition's
     * tokens, in (frame,row,col) order, alternately into sources A (even positions) and destinations B (odd),
     * matches each source to its most similar destination (cosine; ties to the earlier destination), and merges
     * the min(excess, ⌊n/2⌋) best-matched sources into their destinations by size-weighted mean (ToMe caps a round
     * at half the tokens, so reaching a lower target takes several rounds, as in AIM and B-VLLM).
     * A merged token keeps its destination's position, so the output stays in spatial order.
     *
     * @param partitionOf maps a token set to each token's partition id in [0, target.length), or -1 for a token
     *                    that must not merge; it must be stable under merging within a partition (e.g. the frame)
     */
    static TokenSet mergeToTargets(TokenSet in, Function<TokenSet, int[]> partitionOf, int[] target, String method) {
        return mergeToTargets(in, partitionOf, target, false, SimilarityMetric.ON_EMBEDDINGS, ReduceContext.defaults(), method);
    }

    /**
     * As {@link #mergeToTargets(TokenSet, Function, int[], String)}, measuring similarity by {@code metric} (its
     * rows read from {@code ctx}); with {@code pinFirst} the set's first token
     * (a class token) stays in its partition's alternation as source slot 0 but never merges, its matches scored
     * −∞ and a round capped at ⌊(n−1)/2⌋, as ToMe's {@code class_token=True} does; its partition's target counts it.
     */
    static TokenSet mergeToTargets(TokenSet in, Function<TokenSet, int[]> partitionOf, int[] target, boolean pinFirst,
                                   SimilarityMetric metric, ReduceContext ctx, String method) {
        TokenSet current = in;
        while (true) {
            int[] part = partitionOf.apply(current);
            List<List<Integer>> members = new ArrayList<>();
            for (int p = 0; p < target.length; p++) {
                members.add(new ArrayList<>());
            }
            for (int t = 0; t < current.size(); t++) {
                if (part[t] >= 0) {
                    members.get(part[t]).add(t);
                }
            }
            boolean done = true;
            for (int p = 0; p < target.length; p++) {
                done &= members.get(p).size() <= target[p];
            }
            if (done) {
                return current;
            }
            current = mergeRound(current, members, target, pinFirst, metric.unitRows(method, current, ctx), method);
        }
    }

    private static TokenSet mergeRound(TokenSet in, List<List<Integer>> members, int[] target, boolean pinFirst,
                                       SimilarityMetric.Rows rows, String method) {
        int d = rows.dim();
        float[] unit = rows.unit();
        int n = in.size();
        int[] into = new int[n];
        for (int t = 0; t < n; t++) {
            into[t] = t;
        }
        for (int p = 0; p < target.length; p++) {
            List<Integer> m = members.get(p);
            boolean pinned = pinFirst && !m.isEmpty() && m.get(0) == 0;
            int r = Math.min(m.size() - target[p], (m.size() - (pinned ? 1 : 0)) / 2);
            if (r <= 0) {
                continue;
            }
            int na = (m.size() + 1) / 2;
            int[] bestB = new int[na];
            float[] bestVal = new float[na];
            Integer[] order = new Integer[na];
            int[] sources = new int[na];
            int[] destinations = new int[m.size() / 2];
            for (int i = 0; i < m.size(); i++) {
                if (i % 2 == 0) {
                    sources[i / 2] = m.get(i);
                } else {
                    destinations[i / 2] = m.get(i);
                }
            }
            Similarity.bestMatches(unit, d, sources, destinations, bestB, bestVal);
            if (pinned) {
                bestVal[0] = Float.NEGATIVE_INFINITY;
            }
            for (int a = 0; a < na; a++) {
                order[a] = a;
            }
            Arrays.sort(order, (x, y) -> Float.compare(bestVal[y], bestVal[x]));
            for (int i = 0; i < r; i++) {
                int a = order[i];
                into[m.get(2 * a)] = bestB[a];
            }
        }
        int[] group = new int[n];
        Arrays.fill(group, -1);
        int groups = 0;
        for (int t = 0; t < n; t++) {
            if (into[t] == t) {
                group[t] = groups++;
            }
        }
        int[] targetGroup = new int[n];
        int[] anchor = new int[groups];
        for (int t = 0; t < n; t++) {
            targetGroup[t] = group[into[t]];
            if (into[t] == t) {
                anchor[group[t]] = t;
            }
        }
        return in.regroup(targetGroup, groups, anchor);
    }
}
