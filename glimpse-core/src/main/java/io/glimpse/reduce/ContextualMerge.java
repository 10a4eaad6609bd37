package io.glimpse.reduce;

import io.glimpse.io.BadInputException;
import io.glimpse.tokens.AttentionMaps;
import io.glimpse.tokens.TokenSet;
import java.util.Arrays;

/**
 * The dominant + contextual step shared by VisionZip and VisionDrop (research notes, Appendix A4): per frame, the
 * top-d tokens by score stay alone; c contextual targets are taken from the rest by uniform stride in token order
 * and every other remaining token joins the target it is most cosine-similar to (first target on ties). The
 * papers form contextual = target + mean(members); here a group's embedding is the size-weighted mean of all its
 * members (target included), which keeps norms and matches the provenance sizes.
 */
final class ContextualMerge {
    private ContextualMerge() {
    }

    /**
     * Runs a schedule of stages; stage s keeps dominant[s] + contextual[s] tokens per frame, scored by map keys[s].
     * With a budget, the schedule is rescaled per frame instead: the budget's total is apportioned over the frames
     * ({@link Budget#apportion}), stage s of a frame with quota q keeps min(frame tokens, round(q·T_s/T_last))
     * tokens (T_s = dominant[s] + contextual[s]), split into dominant and contextual in the ratio
     * dominant[s]:contextual[s]; so the last stage meets the budget exactly.
     *
     * @param budget null to keep the schedule's counts per frame
     */
    static TokenSet run(String method, TokenSet in, ReduceContext ctx, int[] dominant, int[] contextual, AttentionMaps.Key[] keys,
                        Budget budget) {
        ReduceChecks.requireTokens(method, in);
        ReduceChecks.requireFinite(method, in);
        int[][] byFrame = ReduceChecks.tokensByFrame(in);
        int[] quota = budget == null ? null : ReduceChecks.frameBudgets(method, byFrame, budget);
        int last = dominant.length - 1;
        TokenSet out = in;
        for (int s = 0; s < dominant.length; s++) {
            int stageTotal = dominant[s] + contextual[s];
            int[] d = new int[byFrame.length];
            int[] c = new int[byFrame.length];
            for (int f = 0; f < byFrame.length; f++) {
                if (byFrame[f].length == 0) {
                    continue;
                }
                if (quota == null) {
                    d[f] = dominant[s];
                    c[f] = contextual[s];
                } else {
                    long scaled = Math.round((double) quota[f] * stageTotal / (dominant[last] + contextual[last]));
                    int total = (int) Math.min(byFrame[f].length, scaled);
                    d[f] = (int) Math.round((double) total * dominant[s] / stageTotal);
                    c[f] = total - d[f];
                }
            }
            float[] score = AttentionScores.perToken(method, out, ctx, keys[s]);
            out = stage(method, out, score, d, c);
        }
        return out;
    }

    /** One stage over every frame; frame f must hold at least dominant[f] + contextual[f] tokens. */
    private static TokenSet stage(String method, TokenSet in, float[] score, int[] dominant, int[] contextual) {
        int[][] byFrame = ReduceChecks.tokensByFrame(in);
        for (int f = 0; f < byFrame.length; f++) {
            if (byFrame[f].length > 0 && byFrame[f].length < dominant[f] + contextual[f]) {
                throw new BadInputException(method + ": keeps " + dominant[f] + " dominant + " + contextual[f]
                        + " contextual tokens in frame " + f + " but it has only " + byFrame[f].length + " tokens");
            }
        }
        double[] unit = unitRows(in);
        int[] target = new int[in.size()];
        Arrays.fill(target, -1);
        int[] anchor = new int[in.size()];
        int groups = 0;
        for (int f = 0; f < byFrame.length; f++) {
            int[] tokens = byFrame[f];
            if (tokens.length == 0) {
                continue;
            }
            for (int t : ReduceChecks.topK(score, tokens, dominant[f])) {
                target[t] = groups;
                anchor[groups++] = t;
            }
            if (contextual[f] == 0) {
                continue;
            }
            int[] rest = Arrays.stream(tokens).filter(t -> target[t] < 0).toArray();
            int step = Math.max(1, rest.length / contextual[f]);
            int firstGroup = groups;
            for (int i = 0; i < contextual[f]; i++) {
                int t = rest[i * step];
                target[t] = groups;
                anchor[groups++] = t;
            }
            for (int t : rest) {
                if (target[t] < 0) {
                    target[t] = firstGroup + nearest(unit, in.dim(), t, anchor, firstGroup, groups);
                }
            }
        }
        return in.regroup(target, groups, Arrays.copyOf(anchor, groups));
    }

    private static int nearest(double[] unit, int d, int t, int[] anchor, int from, int to) {
        int best = 0;
        double bestSim = Double.NEGATIVE_INFINITY;
        for (int g = from; g < to; g++) {
            double sim = 0;
            int a = anchor[g] * d;
            for (int k = 0; k < d; k++) {
                sim += unit[t * d + k] * unit[a + k];
            }
            if (sim > bestSim) {
                bestSim = sim;
                best = g - from;
            }
        }
        return best;
    }

    /** Rows scaled to unit length; zero rows stay zero, so they are equally (un)like every target. */
    private static double[] unitRows(TokenSet in) {
        int d = in.dim();
        float[] e = in.embeddingsView();
        double[] u = new double[e.length];
        for (int t = 0; t < in.size(); t++) {
            double ss = 0;
            for (int k = 0; k < d; k++) {
                ss += (double) e[t * d + k] * e[t * d + k];
            }
            double inv = ss > 0 ? 1 / Math.sqrt(ss) : 0;
            for (int k = 0; k < d; k++) {
                u[t * d + k] = e[t * d + k] * inv;
            }
        }
        return u;
    }
}
