package io.glimpse.reduce;

import io.glimpse.io.BadInputException;
import io.glimpse.tokens.AttentionMaps;
import io.glimpse.tokens.TokenSet;
import java.util.Arrays;

/**
 * The dominant + contextual step shared by VisionZip and VisionDrop: per frame, the top-d tokens by score stay alone;
 * c contextual targets are taken from the rest by uniform stride in token order and every other remaining token joins
 * the target it is most cosine-similar to (first target on ties), similarity measured by a {@link SimilarityMetric}.
 * A contextual token is formed by an {@link Aggregation}.
 */
final class ContextualMerge {
    private ContextualMerge() {
    }

    /** How a contextual group's members become one token. */
    enum Aggregation {
        /** target + mean(members), the target left out of the mean (VisionZip's code: counts clamped to 1). */
        PLUS,
        /** The size-weighted mean of every member, target included: keeps norms and matches the provenance sizes. */
        MEAN;

        static final String PARAM = "aggregation";

        static ParamDef param(Aggregation byDefault) {
            return ParamDef.choice(PARAM, byDefault.spelling(), "contextual token: plus = target + mean of the tokens "
                    + "merged into it (VisionZip's code), mean = size-weighted mean of all, target included",
                    PLUS.spelling(), MEAN.spelling());
        }

        String spelling() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static Aggregation parse(String spelling) {
            return valueOf(spelling.toUpperCase(java.util.Locale.ROOT));
        }
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
                        Budget budget, SimilarityMetric metric, Aggregation aggregation) {
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
            out = stage(method, out, score, d, c, metric.unitRows(method, out, ctx), aggregation);
        }
        return out;
    }

    /** One stage over every frame; frame f must hold at least dominant[f] + contextual[f] tokens. */
    private static TokenSet stage(String method, TokenSet in, float[] score, int[] dominant, int[] contextual,
                                  SimilarityMetric.Rows rows, Aggregation aggregation) {
        int[][] byFrame = ReduceChecks.tokensByFrame(in);
        for (int f = 0; f < byFrame.length; f++) {
            if (byFrame[f].length > 0 && byFrame[f].length < dominant[f] + contextual[f]) {
                throw new BadInputException(method + ": keeps " + dominant[f] + " dominant + " + contextual[f]
                        + " contextual tokens in frame " + f + " but it has only " + byFrame[f].length + " tokens");
            }
        }
        float[] unit = rows.unit();
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
                    target[t] = firstGroup + nearest(unit, rows.dim(), t, anchor, firstGroup, groups);
                }
            }
        }
        int[] anchors = Arrays.copyOf(anchor, groups);
        return aggregation == Aggregation.MEAN ? in.regroup(target, groups, anchors)
                : in.regroupWith(target, groups, anchors, plusMean(in, target, anchors));
    }

    /**
     * Per group, its anchor's row plus the plain mean of its other members' rows (zero when it has none); a group
     * of one, such as a dominant token, keeps its row.
     */
    private static float[] plusMean(TokenSet in, int[] target, int[] anchors) {
        int d = in.dim();
        float[] e = in.embeddingsView();
        double[] sum = new double[anchors.length * d];
        int[] count = new int[anchors.length];
        for (int t = 0; t < target.length; t++) {
            int g = target[t];
            if (g < 0 || anchors[g] == t) {
                continue;
            }
            count[g]++;
            for (int k = 0; k < d; k++) {
                sum[g * d + k] += e[t * d + k];
            }
        }
        float[] out = new float[anchors.length * d];
        for (int g = 0; g < anchors.length; g++) {
            int a = anchors[g] * d;
            for (int k = 0; k < d; k++) {
                out[g * d + k] = (float) (e[a + k] + (count[g] == 0 ? 0 : sum[g * d + k] / count[g]));
            }
        }
        return out;
    }

    private static int nearest(float[] unit, int d, int t, int[] anchor, int from, int to) {
        int best = 0;
        double bestSim = Double.NEGATIVE_INFINITY;
        for (int g = from; g < to; g++) {
            double sim = 0;
            int a = anchor[g] * d;
            for (int k = 0; k < d; k++) {
                sim += (double) unit[t * d + k] * unit[a + k];
            }
            if (sim > bestSim) {
                bestSim = sim;
                best = g - from;
            }
        }
        return best;
    }
}
