package io.glimpse.lm;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static io.glimpse.lm.LmFixtures.assertClose;
import static io.glimpse.lm.LmFixtures.range;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Token Recycling is lossless: over random prompts its greedy output is plain greedy decoding's, token for token,
 * and it leaves the cache as plain decoding does (the next step's logits agree), while accepting more than one
 * token per forward on text that repeats; under sampling, sequences keep the distribution plain sampling gives.
 */
class TokenRecyclingTest {
    private static final int MAX_NEW = 48;

    @Test
    void greedyOutputIsPlainDecodingsOnTheFixtureCheckpoints() throws IOException {
        for (String name : List.of("qwen2", "llama")) {
            DecoderModel m = DecoderModel.load(LmFixtures.dir(name));
            checkLossless(m, 11);
        }
    }

    @Test
    void greedyOutputIsPlainDecodingsOnARandomDecoder() {
        DecoderConfig c = new DecoderConfig("qwen2", 97, 32, 48, 2, 4, 2, 8, 1e-6f, 10000, null, true, true, false, false, 512);
        checkLossless(LmFixtures.randomDecoder(c, 3), 12);
    }

    @Test
    void greedyOutputIsPlainDecodingsWithTheCompactTree() throws IOException {
        DecoderModel m = DecoderModel.load(LmFixtures.dir("qwen2"));
        checkLossless(m, 13, DraftTree.compact());
    }

    /** Random prompts, half of them a repeated phrase, decoded plainly and speculatively from the same prefill. */
    private static void checkLossless(DecoderModel m, long seed) {
        checkLossless(m, seed, DraftTree.recycling());
    }

    private static void checkLossless(DecoderModel m, long seed, DraftTree tree) {
        SplittableRandom random = new SplittableRandom(seed);
        int vocab = m.config().vocabSize();
        // One table across the prompts, as a session keeps it.
        TokenRecycling recycling = new TokenRecycling(tree, new AdjacencyTable(vocab, 8));
        int tokens = 0;
        int forwards = 0;
        for (int trial = 0; trial < 8; trial++) {
            int[] prompt = prompt(random, vocab, trial % 2 == 0);
            int limit = vocab - random.nextInt(3);
            Run plain = plain(m, prompt, limit, new int[0]);
            // A stop id the plain output reaches part-way ends both at the same place.
            int[] stops = trial % 3 == 2 ? new int[] {plain.tokens[MAX_NEW / 2]} : new int[0];
            if (stops.length > 0) {
                plain = plain(m, prompt, limit, stops);
            }
            KvCache cache = m.newCache(prompt.length + MAX_NEW + recycling.extraSlots());
            float[] first = m.forward(cache, m.embed(prompt), range(0, prompt.length), 1);
            List<Integer> streamed = new ArrayList<>();
            TokenRecycling.Result r = recycling.run(m, cache, first, MAX_NEW, Sampler.greedy(), limit, stops, streamed::add);
            assertThat(r.generation().tokens()).as("trial %d", trial).containsExactly(plain.tokens);
            assertThat(r.generation().stopped()).isEqualTo(stops.length > 0);
            assertThat(streamed).containsExactly(java.util.Arrays.stream(plain.tokens).boxed().toArray(Integer[]::new));
            for (int l = 0; l < m.config().layers(); l++) {
                assertThat(cache.length(l)).isEqualTo(plain.cache.length(l));
            }
            assertThat(cache.nextPosition()).isEqualTo(plain.cache.nextPosition());
            // The cache lacks the last chosen token: the stop token, or the last one output.
            int feed = stops.length > 0 ? stops[0] : plain.tokens[plain.tokens.length - 1];
            assertClose(m.step(cache, feed), m.step(plain.cache, feed));
            tokens += r.generation().tokens().length - 1;
            forwards += r.forwards();
        }
        assertThat(forwards).as("repeated phrases are drafted from the table").isLessThan(tokens * 3 / 4);
    }

    private record Run(int[] tokens, KvCache cache) {
    }

    private static Run plain(DecoderModel m, int[] prompt, int limit, int[] stops) {
        KvCache cache = m.newCache(prompt.length + MAX_NEW);
        float[] first = m.forward(cache, m.embed(prompt), range(0, prompt.length), 1);
        return new Run(Generation.run(m, cache, first, MAX_NEW, Sampler.greedy(), limit, stops, t -> { }).tokens(), cache);
    }

    private static int[] prompt(SplittableRandom random, int vocab, boolean repeated) {
        int[] phrase = random.ints(3 + random.nextInt(6), 0, vocab).toArray();
        int length = repeated ? phrase.length * (2 + random.nextInt(3)) : 1 + random.nextInt(20);
        int[] p = new int[length];
        for (int i = 0; i < length; i++) {
            p[i] = repeated ? phrase[i % phrase.length] : random.nextInt(vocab);
        }
        return p;
    }

    @Test
    void samplingKeepsThePlainDistributionOfSequences() {
        DecoderConfig c = new DecoderConfig("qwen2", 5, 16, 24, 1, 2, 1, 8, 1e-6f, 10000, null, true, true, false, false, 512);
        DecoderModel m = LmFixtures.randomDecoder(c, 21);
        int[] prompt = {1, 2, 3};
        for (double topP : new double[] {1.0, 0.9}) {
            double[] exact = sequenceProbabilities(m, prompt, Sampler.sampling(3.0, topP, 0));
            // Two candidates per token and a tree three deep, so one forward can accept both drafted tokens.
            TokenRecycling recycling = new TokenRecycling(DraftTree.parse(List.of("0", "1", "0 0", "0 1", "1 0", "0 0 0"), "t"),
                    new AdjacencyTable(5, 2));
            Sampler sampler = Sampler.sampling(3.0, topP, 17);
            int runs = 8000;
            int[] counts = new int[exact.length];
            int forwards = 0;
            for (int i = 0; i < runs; i++) {
                KvCache cache = m.newCache(prompt.length + 3 + recycling.extraSlots());
                float[] first = m.forward(cache, m.embed(prompt), range(0, prompt.length), 1);
                TokenRecycling.Result r = recycling.run(m, cache, first, 3, sampler, 5, new int[0], t -> { });
                int[] t = r.generation().tokens();
                counts[(t[0] * 5 + t[1]) * 5 + t[2]]++;
                forwards += r.forwards();
            }
            assertThat(forwards).as("drafts are accepted, so fewer than two forwards a run").isLessThan(runs * 9 / 5);
            assertThat(chiSquare(counts, exact, runs)).as("top_p %s", topP).isLessThan(limitFor(exact, runs));
        }
    }

    /** P(t1 t2 t3 | prompt) under {@code sampler}'s distribution, by one-token decoding of every prefix. */
    private static double[] sequenceProbabilities(DecoderModel m, int[] prompt, Sampler sampler) {
        double[] p = new double[125];
        KvCache root = m.newCache(prompt.length + 3);
        double[] p1 = sampler.distribution(m.forward(root, m.embed(prompt), range(0, prompt.length), 1), 5);
        for (int a = 0; a < 5; a++) {
            KvCache ca = root.prefix(prompt.length, prompt.length, prompt.length + 3);
            double[] p2 = sampler.distribution(m.step(ca, a), 5);
            for (int b = 0; b < 5; b++) {
                KvCache cb = ca.prefix(prompt.length + 1, prompt.length + 1, prompt.length + 3);
                double[] p3 = sampler.distribution(m.step(cb, b), 5);
                for (int t = 0; t < 5; t++) {
                    p[(a * 5 + b) * 5 + t] = p1[a] * p2[b] * p3[t];
                }
            }
        }
        return p;
    }

    /** Pearson's statistic over cells expecting at least 5 draws, the rest pooled into one. */
    private static double chiSquare(int[] counts, double[] p, int runs) {
        double stat = 0;
        double pooledExpected = 0;
        int pooled = 0;
        for (int i = 0; i < p.length; i++) {
            double e = p[i] * runs;
            if (e >= 5) {
                stat += (counts[i] - e) * (counts[i] - e) / e;
            } else {
                pooledExpected += e;
                pooled += counts[i];
            }
        }
        return pooledExpected > 0 ? stat + (pooled - pooledExpected) * (pooled - pooledExpected) / pooledExpected : stat;
    }

    /** Degrees of freedom plus six standard deviations of the chi-square distribution. */
    private static double limitFor(double[] p, int runs) {
        long cells = java.util.Arrays.stream(p).filter(q -> q * runs >= 5).count() + 1;
        return cells - 1 + 6 * Math.sqrt(2.0 * (cells - 1));
    }
}
