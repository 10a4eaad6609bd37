package io.glimpse.reduce;

import io.glimpse.tokens.AttentionMaps;
import io.glimpse.tokens.TokenSet;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@link TokenSetInvariants} for every method of this package, on random token sets built through the spec. */
class ReducerProperties {
    private static final ReduceContext CTX = ReduceContext.defaults();

    @Provide
    Arbitrary<TokenSet> tokens() {
        return Fixtures.tokenSets();
    }

    /** A count in [low, n], spread by x. */
    private static int budgetIn(int low, int n, int x) {
        return low + Math.floorMod(x, n - low + 1);
    }

    private static TokenSet run(String spec, TokenSet in, ReduceContext ctx) {
        Reducer r = Reducers.create(spec);
        TokenSet out = r.apply(in, ctx);
        Fixtures.checkInvariants(in, out, r, ctx);
        return out;
    }

    @Property(tries = 300)
    void tomeMeetsCountKeepAndRemovalBudgetsExactly(@ForAll("tokens") TokenSet in, @ForAll int x,
                                                   @ForAll @DoubleRange(min = 0.01, max = 1) double keep) {
        int n = in.size();
        int k = budgetIn(1, n, x);
        assertThat(run("tome:k=" + k, in, CTX).size()).isEqualTo(k);
        assertThat(run("tome:r=" + (n - k), in, CTX).size()).isEqualTo(k);
        assertThat(run("tome:keep=" + keep, in, CTX).size()).isEqualTo(Math.max(1, (int) Math.floor(keep * n)));
    }

    @Property(tries = 200)
    void aimMeetsItsBudgetWithoutMixingFrames(@ForAll("tokens") TokenSet in, @ForAll int x) {
        int k = budgetIn(Fixtures.framesWithTokens(in), in.size(), x);
        TokenSet out = run("aim:k=" + k, in, CTX);
        assertThat(out.size()).isEqualTo(k);
        for (int p = 0; p < out.patchCount(); p++) {
            int t = out.origin(p);
            if (t >= 0) {
                assertThat(out.frame(t)).as("patch %d stays in its frame", p).isEqualTo(frameOfPatch(out, p));
            }
        }
        assertThat(Fixtures.framesWithTokens(out)).isEqualTo(Fixtures.framesWithTokens(in));
    }

    @Property(tries = 300)
    void kcenterKeepsExactlyKInputTokens(@ForAll("tokens") TokenSet in, @ForAll int x, @ForAll boolean maxsum,
                                         @ForAll boolean withRelevance, @ForAll long seed) {
        int k = budgetIn(1, in.size(), x);
        ReduceContext ctx = withRelevance ? new ReduceContext(0, AttentionMaps.parse(Map.of()), randomRelevance(in, seed)) : CTX;
        TokenSet out = run("kcenter:k=" + k + ",variant=" + (maxsum ? "maxsum" : "kcenter"), in, ctx);
        assertThat(out.size()).isEqualTo(k);
        assertEveryTokenCopiesAnInputToken(in, out);
    }

    @Property(tries = 200)
    void kmedoidsKeepsExactlyKMemberCentres(@ForAll("tokens") TokenSet in, @ForAll int x,
                                            @ForAll @IntRange(min = 1, max = 3) int frames,
                                            @ForAll boolean spectral, @ForAll boolean cosine) {
        int segments = (int) Arrays.stream(in.tokenFrames()).map(f -> f / frames).distinct().count();
        int k = budgetIn(segments, in.size(), x);
        TokenSet out = run("kmedoids:k=" + k + ",frames=" + frames + ",cluster=" + (spectral ? "spectral" : "kmedoids")
                + ",distance=" + (cosine ? "cosine" : "euclidean"), in, CTX);
        assertThat(out.size()).isEqualTo(k);
        assertEveryTokenCopiesAnInputToken(in, out);
        for (int p = 0; p < out.patchCount(); p++) {
            int t = out.origin(p);
            if (t >= 0) {
                assertThat(out.frame(t) / frames).as("clusters stay inside segments").isEqualTo(frameOfPatch(out, p) / frames);
            }
        }
    }

    @Property(tries = 300)
    void tmergeNeverMergesWithinTheFirstFrame(@ForAll("tokens") TokenSet in,
                                              @ForAll @DoubleRange(min = -1, max = 1) double threshold) {
        TokenSet out = run("tmerge:threshold=" + threshold, in, CTX);
        int first = in.frame(0);
        assertThat(out.size()).isGreaterThanOrEqualTo((int) Arrays.stream(in.tokenFrames()).filter(f -> f == first).count());
        assertThat(run("tmerge:threshold=1", in, CTX).size()).as("nothing has cosine above 1").isEqualTo(in.size());
    }

    @Property(tries = 300)
    void evsKeepsTheFirstFrameAndItsShare(@ForAll("tokens") TokenSet in,
                                          @ForAll @DoubleRange(min = 0, max = 0.99) double rate) {
        TokenSet out = run("evs:rate=" + rate, in, CTX);
        int first = in.frame(0);
        long firstCount = Arrays.stream(in.tokenFrames()).filter(f -> f == first).count();
        assertThat(out.size()).isEqualTo((int) Math.max(firstCount, Math.floor(in.size() * (1 - rate))));
        assertThat(Arrays.stream(out.tokenFrames()).filter(f -> f == first).count()).isEqualTo(firstCount);
    }

    @Property(tries = 100)
    void vqtokenFixedAndAdaptiveCodebooks(@ForAll("tokens") TokenSet in, @ForAll int x, @ForAll long seed) {
        int k = budgetIn(1, in.size(), x);
        ReduceContext ctx = new ReduceContext(seed, AttentionMaps.parse(Map.of()), null);
        assertThat(run("vqtoken:k=" + k, in, ctx).size()).isEqualTo(k);
        TokenSet adaptive = run("vqtoken:mink=2,maxk=6,iters=20", in, ctx);
        assertThat(adaptive.size()).isBetween(Math.min(2, in.size()), Math.min(6, in.size()));
    }

    /**
     * Every registered method, including ones added later, with its defaults or a random count budget: it either
     * keeps the invariants within the budget or refuses with an IllegalArgumentException that names it.
     */
    @Property(tries = 300)
    void everyRegisteredMethodKeepsTheInvariantsOrRefusesClearly(@ForAll("tokens") TokenSet in, @ForAll int x,
                                                                 @ForAll long seed) {
        ReduceContext ctx = new ReduceContext(seed, synthetic(in, seed), randomRelevance(in, seed));
        for (ReducerMethod m : Reducers.registry().methods()) {
            int k = budgetIn(1, in.size(), x);
            String spec = m.budgeted() ? m.name() + ":k=" + k : m.name();
            TokenSet out;
            try {
                out = Reducers.create(spec).apply(in, ctx);
            } catch (IllegalArgumentException refused) {
                assertThat(refused).hasMessageStartingWith(m.name() + ": ").hasMessageNotContaining("\n");
                continue;
            }
            Fixtures.checkInvariants(in, out, Reducers.create(spec), ctx);
            if (m.budgeted()) {
                assertThat(out.size()).as(spec).isLessThanOrEqualTo(k);
            }
        }
    }

    /** Attention methods meet any count budget that leaves each frame a token; round trips keep every token. */
    @Property(tries = 200)
    void attentionMethodsMeetCountBudgetsAndRoundTripsKeepTheCount(@ForAll("tokens") TokenSet in, @ForAll int x,
                                                                   @ForAll long seed) {
        ReduceContext ctx = new ReduceContext(seed, synthetic(in, seed), null);
        int k = budgetIn(Fixtures.framesWithTokens(in), in.size(), x);
        for (String method : new String[] {"fastv", "hiprune:neighbours=8", "visionzip", "visiondrop:stages=3"}) {
            String spec = method + (method.contains(":") ? "," : ":") + "k=" + k;
            assertThat(run(spec, in, ctx).size()).as(spec).isEqualTo(k);
        }
        String[] keepAll = {"tokenbridge:bins=4", "fsq:levels=3", "binary:scale=dim", "matryoshka:kernel=1"};
        for (String spec : keepAll) {
            TokenSet out = run(spec, in, ctx);
            assertThat(out.size()).as(spec).isEqualTo(in.size());
            assertThat(out.origin()).as(spec).isEqualTo(in.origin());
        }
    }

    private static int frameOfPatch(TokenSet t, int p) {
        int f = 0;
        while (t.frameOffset(f + 1) <= p) {
            f++;
        }
        return f;
    }

    /** The synthetic maps and random key rows of the default block (so metric=keys reads keys, not embeddings). */
    private static AttentionMaps synthetic(TokenSet in, long seed) {
        int dk = 3;
        float[] keys = new float[in.patchCount() * dk];
        Random rnd = new Random(seed ^ 0x5eed);
        for (int i = 0; i < keys.length; i++) {
            keys[i] = (float) rnd.nextGaussian();
        }
        AttentionMaps maps = AttentionMaps.parse(syntheticAttention(in, seed));
        Map<AttentionMaps.Key, float[]> byKey = new HashMap<>();
        maps.keys().forEach(k -> byKey.put(k, maps.get(k)));
        return AttentionMaps.of(byKey, Map.of(AttentionScores.PENULTIMATE_CLIP_L, keys), dk);
    }

    /**
     * Random maps for every key an attention-based method may read: every kind at layers 1..32 (every default
     * layer; deeper encoders are not exercised here).
     */
    private static Map<String, float[]> syntheticAttention(TokenSet in, long seed) {
        Map<String, float[]> maps = new HashMap<>();
        for (String kind : new String[] {AttentionScores.CLS, AttentionScores.RECEIVED, AttentionScores.GLOBAL}) {
            for (int layer = 1; layer <= 32; layer++) {
                maps.put(AttentionScores.key(kind, layer).toString(), randomRelevance(in, seed + 31L * layer + kind.length()));
            }
        }
        return maps;
    }

    private static float[] randomRelevance(TokenSet in, long seed) {
        Random rnd = new Random(seed);
        float[] r = new float[in.patchCount()];
        for (int p = 0; p < r.length; p++) {
            r[p] = rnd.nextFloat();
        }
        return r;
    }

    private static void assertEveryTokenCopiesAnInputToken(TokenSet in, TokenSet out) {
        for (int t = 0; t < out.size(); t++) {
            int source = in.origin(out.patchIndex(out.frame(t), out.row(t), out.col(t)));
            assertThat(out.vector(t)).as("token %d is an input token", t).containsExactly(in.vector(source));
        }
    }
}
