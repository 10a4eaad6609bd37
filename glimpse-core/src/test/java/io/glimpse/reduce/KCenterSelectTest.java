package io.glimpse.reduce;

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
        ReduceContext ctx = new ReduceContext(0, Map.of(), relevance);
        assertThat(Reducers.create("kcenter:k=1").apply(in, ctx).cols()).containsExactly(1);
        assertThat(Reducers.create("kcenter:k=1,relevance=0").apply(in, ctx).row(0)).isEqualTo(1);
        ReduceContext flat = new ReduceContext(0, Map.of(), new float[] {0.3f, 0.3f, 0.3f, 0.3f});
        assertThat(Reducers.create("kcenter:k=1").apply(in, flat).cols())
                .as("relevance that tells no token apart leaves the pivot to geometry").containsExactly(1);
        assertThat(Reducers.create("kcenter:k=1").apply(in, flat).rows()).containsExactly(1);
    }
}
