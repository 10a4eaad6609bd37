package io.glimpse.reduce;

import io.glimpse.tokens.AttentionMaps;
import io.glimpse.tokens.TokenSet;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class VqTokenClusterTest {
    private static final ReduceContext CTX = new ReduceContext(7, AttentionMaps.parse(Map.of()), null);

    /** 4 frames of 3×3 whose tokens point, with small noise, in one of three directions chosen by column. */
    private static TokenSet threeDirections() {
        Random rnd = new Random(3);
        float[][] rows = new float[36][];
        for (int i = 0; i < 36; i++) {
            int dir = i % 3;
            rows[i] = new float[4];
            for (int j = 0; j < 4; j++) {
                rows[i][j] = (j == dir ? 1f : 0f) + (float) rnd.nextGaussian() * 0.02f;
            }
        }
        return Fixtures.grid(4, 3, 3, rows);
    }

    @Test
    void adaptiveCodebookFindsTheThreeDirections() {
        TokenSet out = Reducers.create("vqtoken:mink=2,maxk=8").apply(threeDirections(), CTX);
        assertThat(out.size()).isEqualTo(3);
        int[] hash = out.origin();
        for (int p = 0; p < hash.length; p++) {
            assertThat(hash[p]).as("patch %d", p).isEqualTo(hash[p % 3]);
        }
        assertThat(out.sizes()).containsExactly(12, 12, 12);
    }

    @Test
    void decodingPutsEachCodeBackOnEveryPositionItStandsFor() {
        TokenSet out = Reducers.create("vqtoken:k=3").apply(threeDirections(), CTX);
        float[] grid = VqTokenCluster.decode(out);
        assertThat(grid).hasSize(36 * 4);
        for (int p = 0; p < 36; p++) {
            for (int j = 0; j < 4; j++) {
                assertThat(grid[p * 4 + j]).isEqualTo(out.get(out.origin(p), j));
            }
        }
    }

    @Test
    void droppedPatchesDecodeToZero() {
        TokenSet in = threeDirections().selectInOrder(new int[] {0, 1, 2, 3, 4, 5});
        float[] grid = VqTokenCluster.decode(Reducers.create("vqtoken:k=2").apply(in, CTX));
        for (int j = 6 * 4; j < grid.length; j++) {
            assertThat(grid[j]).isZero();
        }
    }

    @Provide
    Arbitrary<TokenSet> tokens() {
        return Fixtures.tokenSets();
    }

    /** A subsample that would hold every token is no subsample: the result is VQToken's full procedure exactly. */
    @Property(tries = 80)
    void sampleOfAtLeastEveryTokenIsTheFullProcedure(@ForAll("tokens") TokenSet in,
                                                     @ForAll @IntRange(min = 0, max = 40) int extra,
                                                     @ForAll long seed) {
        ReduceContext ctx = new ReduceContext(seed, AttentionMaps.parse(Map.of()), null);
        TokenSet full = Reducers.create("vqtoken:mink=2,maxk=6,iters=20,sample=0").apply(in, ctx);
        TokenSet sampled = Reducers.create("vqtoken:mink=2,maxk=6,iters=20,sample=" + (in.size() + extra))
                .apply(in, ctx);
        assertThat(sampled).isEqualTo(full);
        assertThat(sampled.origin()).containsExactly(full.origin());
        assertThat(sampled.embeddingsView()).containsExactly(full.embeddingsView());
    }

    /** Sizes chosen on a subsample (raised to maxk when smaller) still give a valid codebook of an adaptive size. */
    @Property(tries = 80)
    void subsampledSizeKeepsTheInvariants(@ForAll("tokens") TokenSet in,
                                          @ForAll @IntRange(min = 1, max = 64) int sample, @ForAll long seed) {
        ReduceContext ctx = new ReduceContext(seed, AttentionMaps.parse(Map.of()), null);
        Reducer reducer = Reducers.create("vqtoken:mink=2,maxk=4,iters=20,sample=" + sample);
        TokenSet out = reducer.apply(in, ctx);
        assertThat(out.size()).isBetween(Math.min(2, in.size()), Math.min(4, in.size()));
        Fixtures.checkInvariants(in, out, reducer, ctx);
    }

    /**
     * 20 well separated directions, 4000 tokens in random order: the elbow read on 600 evenly spaced tokens is the
     * elbow of the full procedure, at 20, and the codebook fit on all tokens gives one code per direction.
     */
    @Test
    void subsampleFindsTheSameElbowAsAllTokens() {
        int clusters = 20;
        int d = 48;
        Random rnd = new Random(11);
        float[][] centre = new float[clusters][d];
        for (float[] c : centre) {
            for (int j = 0; j < d; j++) {
                c[j] = (float) rnd.nextGaussian();
            }
        }
        int frames = 10;
        int side = 20;
        int n = frames * side * side;
        int[] truth = new int[n];
        float[][] rows = new float[n][d];
        for (int t = 0; t < n; t++) {
            truth[t] = rnd.nextInt(clusters);
            for (int j = 0; j < d; j++) {
                rows[t][j] = centre[truth[t]][j] + (float) rnd.nextGaussian() * 0.02f;
            }
        }
        TokenSet in = Fixtures.grid(frames, side, side, rows);
        TokenSet full = Reducers.create("vqtoken:sample=0").apply(in, CTX);
        TokenSet sampled = Reducers.create("vqtoken:sample=600").apply(in, CTX);
        assertThat(full.size()).isEqualTo(clusters);
        assertThat(sampled.size()).isEqualTo(clusters);
        int[] codeOf = new int[clusters];
        Arrays.fill(codeOf, -1);
        for (int p = 0; p < n; p++) {
            if (codeOf[truth[p]] < 0) {
                codeOf[truth[p]] = sampled.origin(p);
            }
            assertThat(sampled.origin(p)).as("patch %d", p).isEqualTo(codeOf[truth[p]]);
        }
        assertThat(Arrays.stream(codeOf).distinct().count()).isEqualTo(clusters);
    }

    /**
     * Codebook sizes fitted together (one GEMM per iteration for all) come out as each fitted alone, and the
     * k-means++ seeds of a smaller codebook are the first seeds of a larger one (so the adaptive sizes share them).
     */
    @Property(tries = 40)
    void sizesFittedTogetherMatchEachFittedAlone(@ForAll @IntRange(min = 1, max = 120) int n,
                                                 @ForAll @IntRange(min = 2, max = 12) int d, @ForAll long seed) {
        Weighted in = weighted(new Random(seed), n, d, 3, 2f);
        float[] unit = in.unit();
        double[] weight = in.weight();
        int hi = Math.min(n, 9);
        int[] seeds = VqTokenCluster.seeds(unit, d, n, hi, seed);
        assertThat(VqTokenCluster.seeds(unit, d, n, Math.min(n, 4), seed))
                .containsExactly(Arrays.copyOf(seeds, Math.min(n, 4)));
        int[] sizes = new int[hi];
        for (int k = 1; k <= hi; k++) {
            sizes[k - 1] = k;
        }
        VqTokenCluster.Fit[] together = VqTokenCluster.kMeans(unit, weight, d, seeds, sizes, 50);
        for (int k = 1; k <= hi; k++) {
            VqTokenCluster.Fit alone = VqTokenCluster.kMeans(unit, weight, d, seeds, new int[] {k}, 50)[0];
            assertThat(together[k - 1].assign()).as("k=%d", k).containsExactly(alone.assign());
            assertThat(together[k - 1].centroids()).as("k=%d", k).containsExactly(alone.centroids());
        }
    }

    /**
     * Run to convergence, every token sits with its nearest centroid and every centroid is the normalized weighted
     * mean of its members, checked by plain loops: tokens the bounds left out of the GEMM, and sums updated by the
     * tokens that moved, must end where a full recomputation would.
     */
    @Property(tries = 60)
    void convergedFitsAssignNearestAndCentreOnTheirMembers(@ForAll @IntRange(min = 1, max = 150) int n,
                                                           @ForAll @IntRange(min = 2, max = 10) int d,
                                                           @ForAll @IntRange(min = 1, max = 8) int kRaw,
                                                           @ForAll long seed) {
        Weighted in = weighted(new Random(seed), n, d, 4, 1.5f);
        float[] unit = in.unit();
        double[] weight = in.weight();
        int k = Math.min(kRaw, n);
        int[] sizes = new int[k];
        for (int i = 0; i < k; i++) {
            sizes[i] = i + 1;
        }
        VqTokenCluster.Fit[] fits = VqTokenCluster.kMeans(unit, weight, d, VqTokenCluster.seeds(unit, d, n, k, seed),
                sizes, 10_000);
        for (VqTokenCluster.Fit fit : fits) {
            int size = fit.centroids().length / d;
            double[][] mean = new double[size][d];
            for (int t = 0; t < n; t++) {
                double own = cos(unit, t, fit.centroids(), fit.assign()[t], d);
                for (int c = 0; c < size; c++) {
                    assertThat(own).as("token %d of %d codes", t, size)
                            .isGreaterThanOrEqualTo(cos(unit, t, fit.centroids(), c, d) - 1e-5);
                }
                for (int j = 0; j < d; j++) {
                    mean[fit.assign()[t]][j] += weight[t] * unit[t * d + j];
                }
            }
            for (int c = 0; c < size; c++) {
                double len = Math.sqrt(Arrays.stream(mean[c]).map(v -> v * v).sum());
                for (int j = 0; j < d; j++) {
                    assertThat((double) fit.centroids()[c * d + j]).as("code %d of %d", c, size)
                            .isCloseTo(mean[c][j] / len, org.assertj.core.data.Offset.offset(1e-5));
                }
            }
        }
    }

    private static double cos(float[] unit, int t, float[] centroids, int c, int d) {
        double s = 0;
        for (int j = 0; j < d; j++) {
            s += (double) unit[t * d + j] * centroids[c * d + j];
        }
        return s;
    }

    /** Unit rows, n × d, in loose groups: row t leans towards axis t mod groups by {@code lean}; weights 1..3. */
    private record Weighted(float[] unit, double[] weight) {
    }

    private static Weighted weighted(Random rnd, int n, int d, int groups, float lean) {
        float[] unit = new float[n * d];
        double[] weight = new double[n];
        for (int t = 0; t < n; t++) {
            double ss = 0;
            for (int j = 0; j < d; j++) {
                unit[t * d + j] = (float) rnd.nextGaussian() + (j == t % groups ? lean : 0f);
                ss += unit[t * d + j] * unit[t * d + j];
            }
            for (int j = 0; j < d; j++) {
                unit[t * d + j] /= (float) Math.sqrt(ss);
            }
            weight[t] = 1 + rnd.nextInt(3);
        }
        return new Weighted(unit, weight);
    }
}
