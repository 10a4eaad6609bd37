package io.glimpse.reduce;

import io.glimpse.tokens.AttentionMaps;
import io.glimpse.tokens.TokenSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class KCenterSelectTest {
    private static final ReduceContext CTX = ReduceContext.defaults();

    /** Chord distance between unit rows: a metric that orders pairs exactly as 1 − cos does. */
    private static double chord(TokenSet t, int i, int j) {
        double dot = 0;
        double ni = 0;
        double nj = 0;
        for (int k = 0; k < t.dim(); k++) {
            dot += t.get(i, k) * t.get(j, k);
            ni += t.get(i, k) * t.get(i, k);
            nj += t.get(j, k) * t.get(j, k);
        }
        return Math.sqrt(Math.max(0, 2 - 2 * dot / Math.sqrt(ni * nj)));
    }

    private static double radius(TokenSet all, int[] centres) {
        double r = 0;
        for (int v = 0; v < all.size(); v++) {
            double nearest = Double.POSITIVE_INFINITY;
            for (int c : centres) {
                nearest = Math.min(nearest, chord(all, v, c));
            }
            r = Math.max(r, nearest);
        }
        return r;
    }

    private static double bestRadius(TokenSet all, int k, int from, int[] chosen, int depth) {
        if (depth == k) {
            return radius(all, chosen);
        }
        double best = Double.POSITIVE_INFINITY;
        for (int i = from; i < all.size(); i++) {
            chosen[depth] = i;
            best = Math.min(best, bestRadius(all, k, i + 1, chosen, depth + 1));
        }
        return best;
    }

    @Property(tries = 200)
    void coveringRadiusIsWithinTwiceTheOptimum(@ForAll @IntRange(min = 1, max = 9) int n,
                                               @ForAll @IntRange(min = 1, max = 4) int kRaw,
                                               @ForAll @IntRange(min = 2, max = 4) int d, @ForAll long seed) {
        int k = Math.min(kRaw, n);
        Random rnd = new Random(seed);
        float[][] rows = new float[n][d];
        for (float[] row : rows) {
            int cluster = rnd.nextInt(3);
            for (int j = 0; j < d; j++) {
                row[j] = (j == cluster ? 5f : 0f) + (float) rnd.nextGaussian() * 0.3f + 0.01f;
            }
        }
        TokenSet in = Fixtures.grid(1, 1, n, rows);
        TokenSet out = new KCenterSelect(Budget.count(k), KCenterSelect.Variant.KCENTER, 0.5).apply(in, CTX);
        int[] kept = new int[k];
        for (int i = 0; i < k; i++) {
            kept[i] = out.col(i);
        }
        assertThat(radius(in, kept)).isLessThanOrEqualTo(2 * bestRadius(in, k, 0, new int[k], 0) + 1e-6);
    }

    @Test
    void picksOneTokenFromEachClusterBeforeASecondFromAny() {
        float[][] rows = {
                {1, 0, 0}, {1, 0.01f, 0}, {1, 0, 0.01f}, {1, 0.02f, 0}, {1, 0.01f, 0.01f},
                {0, 1, 0}, {0, 0, 1}};
        TokenSet out = new KCenterSelect(Budget.count(3), KCenterSelect.Variant.KCENTER, 0.5)
                .apply(Fixtures.grid(1, 1, 7, rows), CTX);
        assertThat(out.cols()).hasSize(3).contains(5, 6);
    }

    /** Computed by hand (numpy): after the pivot 4 and the farthest token 3, k-center adds 2, max-sum adds 0. */
    @Test
    void maxSumAndKCenterDifferWhereTheirCriteriaDo() {
        TokenSet in = Fixtures.grid(1, 1, 5,
                new float[] {0.3f, 0.8f, 0.3f}, new float[] {-1.3f, 0.9f, 0.4f}, new float[] {-0.5f, 0.6f, 0.4f},
                new float[] {0.3f, 0f, 0.5f}, new float[] {-0.7f, -0.2f, -0.5f});
        assertThat(Reducers.create("kcenter:k=3").apply(in, CTX).cols()).containsExactly(2, 3, 4);
        assertThat(Reducers.create("kcenter:k=3,variant=maxsum").apply(in, CTX).cols()).containsExactly(0, 3, 4);
    }

    @Test
    void relevanceMovesThePivotAndWeightsTheChoice() {
        TokenSet in = Fixtures.grid(1, 2, 2,
                new float[] {1, 0}, new float[] {0.9f, 0.1f}, new float[] {0, 1}, new float[] {-1, 0});
        float[] relevance = {0f, 1f, 0f, 0f};
        ReduceContext ctx = new ReduceContext(0, AttentionMaps.parse(Map.of()), relevance);
        assertThat(Reducers.create("kcenter:k=1").apply(in, ctx).cols()).containsExactly(1);
        assertThat(Reducers.create("kcenter:k=1,relevance=0").apply(in, ctx).row(0)).isEqualTo(1);
        ReduceContext flat = new ReduceContext(0, AttentionMaps.parse(Map.of()), new float[] {0.3f, 0.3f, 0.3f, 0.3f});
        assertThat(Reducers.create("kcenter:k=1").apply(in, flat).cols())
                .as("relevance that tells no token apart leaves the pivot to geometry").containsExactly(1);
        assertThat(Reducers.create("kcenter:k=1").apply(in, flat).rows()).containsExactly(1);
    }

    /**
     * Rows of ±1 (all of norm √d, a power of two) make every cosine an exact dyadic fraction, so the batched GEMM
     * path and a plain pair-by-pair greedy loop see identical values and ties; their selections must agree exactly.
     */
    @Property(tries = 60)
    void batchedSelectionEqualsAPlainGreedyLoop(@ForAll @IntRange(min = 1, max = 700) int n,
                                               @ForAll @IntRange(min = 1, max = 700) int kRaw,
                                               @ForAll @IntRange(min = 1, max = 3) int dPower, @ForAll boolean maxSum,
                                               @ForAll boolean withRelevance, @ForAll long seed) {
        int k = Math.min(kRaw, n);
        int d = 1 << (2 * dPower);
        Random rnd = new Random(seed);
        float[][] prototypes = new float[1 + rnd.nextInt(6)][d];
        for (float[] p : prototypes) {
            for (int j = 0; j < d; j++) {
                p[j] = rnd.nextBoolean() ? 1 : -1;
            }
        }
        float[][] rows = new float[n][];
        for (int i = 0; i < n; i++) {
            rows[i] = prototypes[rnd.nextInt(prototypes.length)].clone();
            for (int j = 0; j < d; j++) {
                if (rnd.nextInt(4) == 0) {
                    rows[i][j] = -rows[i][j];
                }
            }
        }
        float[] relevance = null;
        if (withRelevance) {
            relevance = new float[n];
            for (int i = 0; i < n; i++) {
                relevance[i] = rnd.nextInt(5);
            }
        }
        KCenterSelect.Variant variant = maxSum ? KCenterSelect.Variant.MAXSUM : KCenterSelect.Variant.KCENTER;
        TokenSet out = new KCenterSelect(Budget.count(k), variant, 0.5)
                .apply(Fixtures.grid(1, 1, n, rows), new ReduceContext(0, AttentionMaps.parse(Map.of()), relevance));
        assertThat(out.cols()).containsExactly(plainGreedy(rows, k, maxSum, relevance, 0.5));
    }

    /** ToDRE's greedy selection written out directly: one cosine per (candidate, centre) pair, sorted picks. */
    private static int[] plainGreedy(float[][] rows, int k, boolean maxSum, float[] relevance, double lambda) {
        int n = rows.length;
        int d = rows[0].length;
        float scale = (float) (1 / Math.sqrt(d));
        double[] weight = new double[n];
        java.util.Arrays.fill(weight, 1);
        if (relevance != null) {
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (float r : relevance) {
                lo = Math.min(lo, r);
                hi = Math.max(hi, r);
            }
            for (int i = 0; i < n; i++) {
                weight[i] = (1 - lambda) + lambda * (hi > lo ? (relevance[i] - lo) / (hi - lo) : 1.0);
            }
        }
        int c = 0;
        for (int i = 1; i < n; i++) {
            if (weight[i] > weight[c]) {
                c = i;
            }
        }
        if (weight[c] == java.util.Arrays.stream(weight).min().orElseThrow()) {
            double[] mean = new double[d];
            for (float[] row : rows) {
                for (int j = 0; j < d; j++) {
                    mean[j] += row[j] * scale;
                }
            }
            double least = Double.POSITIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                double dot = 0;
                for (int j = 0; j < d; j++) {
                    dot += rows[i][j] * scale * mean[j];
                }
                if (dot < least) {
                    least = dot;
                    c = i;
                }
            }
        }
        boolean[] chosen = new boolean[n];
        double[] dist = new double[n];
        int[] picks = new int[k];
        for (int step = 0; step < k; step++) {
            picks[step] = c;
            chosen[c] = true;
            int next = -1;
            double best = Double.NEGATIVE_INFINITY;
            for (int v = 0; v < n; v++) {
                if (chosen[v]) {
                    continue;
                }
                double dot = 0;
                for (int j = 0; j < d; j++) {
                    dot += rows[v][j] * rows[c][j];
                }
                double dv = 1 - dot / d;
                dist[v] = step == 0 ? dv : maxSum ? dist[v] + dv : Math.min(dist[v], dv);
                if (weight[v] * dist[v] > best) {
                    best = weight[v] * dist[v];
                    next = v;
                }
            }
            c = next;
        }
        java.util.Arrays.sort(picks);
        return picks;
    }
}
