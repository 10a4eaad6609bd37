package io.glimpse.lm;

import io.glimpse.io.BadInputException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static io.glimpse.lm.LmFixtures.assertClose;
import static io.glimpse.lm.LmFixtures.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Token Recycling is lossless: over random prompts its greedy output is plain greedy decoding's, token for token,
 * and it leaves the cache as plain decoding does (the next step's logits agree), while accepting more than one
 * token per forward on text that repeats.
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
        DecoderConfig c = new DecoderConfig("qwen2", 97, 32, 48, 2, 4, 2, 8, 1e-6f, 10000, null, true, true, false, false);
        checkLossless(LmFixtures.randomDecoder(c, 3), 12);
    }

    /** Random prompts, half of them a repeated phrase, decoded plainly and speculatively from the same prefill. */
    private static void checkLossless(DecoderModel m, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int vocab = m.config().vocabSize();
        // One table across the prompts, as a session keeps it.
        TokenRecycling recycling = TokenRecycling.reference(vocab);
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
    void samplingIsRefused() throws IOException {
        DecoderModel m = DecoderModel.load(LmFixtures.dir("qwen2"));
        KvCache cache = m.newCache(100);
        float[] first = m.forward(cache, m.embed(new int[] {1, 2}), range(0, 2), 1);
        assertThatThrownBy(() -> TokenRecycling.reference(m.config().vocabSize())
                .run(m, cache, first, 4, Sampler.sampling(0.7, 1, 1), m.config().vocabSize(), new int[0], t -> { }))
                .isInstanceOf(BadInputException.class).hasMessageContaining("greedy only");
    }
}
