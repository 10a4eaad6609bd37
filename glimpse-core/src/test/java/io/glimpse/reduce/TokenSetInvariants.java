package io.glimpse.reduce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.glimpse.tokens.TokenSet;

/**
 * The invariants of a reducer's output, checked independently of TokenSet's own validation: (1) at most the budget
 * it was given; (2) sizes add up to the original patches not dropped; (3) each token sits at one of its patches;
 * (4) deterministic for a seed, no NaN/Inf out when none came in; (5) tokens in (frame, row, col) order unless the
 * method defines another, since decoder position ids derive from it.
 */
final class TokenSetInvariants {
    private TokenSetInvariants() {
    }

    /**
     * Checks one reduction.
     *
     * @param budget largest allowed output count
     * @param exact  whether the output count must equal the budget
     */
    static void check(Reducer reducer, TokenSet in, ReduceContext ctx, TokenSet out, int budget, boolean exact) {
        if (exact) {
            assertThat(out.size()).as("output count").isEqualTo(budget);
        } else {
            assertThat(out.size()).as("output count").isLessThanOrEqualTo(budget);
        }
        assertThat(out.frames()).isEqualTo(in.frames());
        assertThat(out.patchCount()).isEqualTo(in.patchCount());
        long sizes = 0;
        for (int t = 0; t < out.size(); t++) {
            sizes += out.tokenSize(t);
        }
        int represented = 0;
        for (int p = 0; p < out.patchCount(); p++) {
            if (out.origin(p) >= 0) {
                represented++;
                assertThat(in.origin(p)).as("patch %d dropped before cannot come back", p).isGreaterThanOrEqualTo(0);
            }
        }
        assertThat(sizes).as("sum of sizes equals represented patches").isEqualTo(represented);
        int previous = -1;
        for (int t = 0; t < out.size(); t++) {
            int anchor = out.patchIndex(out.frame(t), out.row(t), out.col(t));
            assertThat(out.origin(anchor)).as("token %d represents its anchor patch", t).isEqualTo(t);
            assertThat(anchor).as("tokens in (frame,row,col) order").isGreaterThan(previous);
            previous = anchor;
        }
        if (in.isFinite()) {
            assertThat(out.isFinite()).as("no NaN/Inf out when none came in").isTrue();
        }
        assertThat(reducer.apply(in, ctx)).as("deterministic").isEqualTo(out);
    }

    /** Every output token's embedding is the size-weighted mean of the input tokens now merged into it. */
    static void checkSizeWeightedMeans(TokenSet in, TokenSet out) {
        int d = in.dim();
        double[] sum = new double[out.size() * d];
        long[] weight = new long[out.size()];
        for (int u = 0; u < in.size(); u++) {
            int g = out.origin(in.patchIndex(in.frame(u), in.row(u), in.col(u)));
            if (g < 0) {
                continue;
            }
            weight[g] += in.tokenSize(u);
            for (int k = 0; k < d; k++) {
                sum[g * d + k] += (double) in.get(u, k) * in.tokenSize(u);
            }
        }
        for (int g = 0; g < out.size(); g++) {
            assertThat(weight[g]).as("members' sizes of token %d", g).isEqualTo(out.tokenSize(g));
            for (int k = 0; k < d; k++) {
                double mean = sum[g * d + k] / weight[g];
                assertThat((double) out.get(g, k)).as("token %d dim %d", g, k)
                        .isCloseTo(mean, within(1e-4 * (1 + Math.abs(mean))));
            }
        }
    }

    /** Mean of a per-patch map over the patches each token represents: the documented token score. */
    static float[] tokenScores(TokenSet in, float[] map) {
        double[] sum = new double[in.size()];
        for (int p = 0; p < map.length; p++) {
            if (in.origin(p) >= 0) {
                sum[in.origin(p)] += map[p];
            }
        }
        float[] s = new float[in.size()];
        for (int t = 0; t < s.length; t++) {
            s[t] = (float) (sum[t] / in.tokenSize(t));
        }
        return s;
    }

    /** Whether token a ranks before token b: higher score, ties to the lower index. */
    static boolean ranksBefore(float[] score, int a, int b) {
        return score[a] > score[b] || (score[a] == score[b] && a < b);
    }
}
