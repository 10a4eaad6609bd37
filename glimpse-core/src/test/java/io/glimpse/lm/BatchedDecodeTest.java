package io.glimpse.lm;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static io.glimpse.lm.LmFixtures.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Sequences decoded together by {@link DecoderModel#stepAll} are each decoded as if alone: every sequence's greedy
 * output equals its own one-token loop, its logits agree with {@link DecoderModel#step}'s at every step, and
 * sequences may join and leave between steps. A row that saw another sequence's cache, or took another row's
 * position or token, would change that sequence's output.
 */
class BatchedDecodeTest {
    private static final int STEPS = 24;

    @Test
    void eachSequenceDecodesAsAloneOnTheFixtureCheckpoints() throws IOException {
        for (String name : List.of("qwen2", "llama")) {
            check(DecoderModel.load(LmFixtures.dir(name)), 5);
        }
    }

    @Test
    void eachSequenceDecodesAsAloneOnARandomDecoder() {
        DecoderConfig c = new DecoderConfig("qwen2", 97, 32, 48, 2, 4, 2, 8, 1e-6f, 10000, null, true, true, false, false, 512);
        check(LmFixtures.randomDecoder(c, 9), 6);
    }

    @Test
    void rotaryLayoutsFollowEachCache() {
        DecoderConfig c = new DecoderConfig("llama", 61, 32, 40, 2, 4, 2, 8, 1e-5f, 10000, null, false, false, false, false, 512);
        DecoderModel m = LmFixtures.randomDecoder(c, 4);
        SplittableRandom random = new SplittableRandom(2);
        List<RotaryLayout> layouts = Arrays.asList(RotaryLayout.vista(2, 5), null, RotaryLayout.vista(1, 3));
        List<KvCache> together = new ArrayList<>();
        List<KvCache> alone = new ArrayList<>();
        int[] tokens = new int[layouts.size()];
        for (int i = 0; i < layouts.size(); i++) {
            int[] prompt = random.ints(8 + i, 0, c.vocabSize()).toArray();
            KvCache a = m.newCache(32, layouts.get(i));
            KvCache b = m.newCache(32, layouts.get(i));
            float[] first = m.forward(a, m.embed(prompt), range(0, prompt.length), 1);
            m.forward(b, m.embed(prompt), range(0, prompt.length), 1);
            together.add(a);
            alone.add(b);
            tokens[i] = argmax(first);
        }
        for (int step = 0; step < 6; step++) {
            float[][] batched = m.stepAll(together, tokens);
            for (int i = 0; i < tokens.length; i++) {
                float[] single = m.step(alone.get(i), tokens[i]);
                assertNear(batched[i], single, "sequence " + i + " step " + step);
                tokens[i] = argmax(single);
            }
        }
    }

    @Test
    void refusesMismatchedArgumentsWithoutTouchingTheCaches() throws IOException {
        DecoderModel m = DecoderModel.load(LmFixtures.dir("qwen2"));
        KvCache a = m.newCache(4);
        KvCache full = m.newCache(1);
        m.step(full, 1);
        assertThatThrownBy(() -> m.stepAll(List.of(a, a), new int[] {1, 2})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("twice");
        assertThatThrownBy(() -> m.stepAll(List.of(a), new int[] {1, 2})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.stepAll(List.of(a, full), new int[] {1, 2})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("full");
        assertThatThrownBy(() -> m.stepAll(List.of(a), new int[] {m.config().vocabSize()}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(a.length(0)).isZero();
        assertThat(a.nextPosition()).isZero();
    }

    /**
     * Prompts of different lengths; the sequences start at different steps and stop at different steps, so the batch
     * grows and shrinks, and each one's greedy tokens are compared with its own plain loop.
     */
    private static void check(DecoderModel m, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int vocab = m.config().vocabSize();
        int count = 4;
        int[][] prompts = new int[count][];
        int[] start = new int[count];
        int[] length = new int[count];
        for (int i = 0; i < count; i++) {
            prompts[i] = random.ints(3 + 5 * i, 0, vocab).toArray();
            start[i] = i == 3 ? 5 : 0;
            length[i] = i == 1 ? STEPS / 2 : STEPS;
        }
        KvCache[] caches = new KvCache[count];
        int[] next = new int[count];
        List<List<Integer>> generated = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            caches[i] = m.newCache(prompts[i].length + STEPS);
            next[i] = argmax(m.forward(caches[i], m.embed(prompts[i]), range(0, prompts[i].length), 1));
            generated.add(new ArrayList<>(List.of(next[i])));
        }
        for (int step = 0; step < STEPS + 5; step++) {
            List<KvCache> active = new ArrayList<>();
            List<Integer> which = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                if (step >= start[i] && generated.get(i).size() < length[i]) {
                    active.add(caches[i]);
                    which.add(i);
                }
            }
            if (active.isEmpty()) {
                break;
            }
            float[][] logits = m.stepAll(active, which.stream().mapToInt(i -> next[i]).toArray());
            for (int a = 0; a < which.size(); a++) {
                int i = which.get(a);
                next[i] = argmax(logits[a]);
                generated.get(i).add(next[i]);
            }
        }
        for (int i = 0; i < count; i++) {
            KvCache cache = m.newCache(prompts[i].length + STEPS);
            float[] logits = m.forward(cache, m.embed(prompts[i]), range(0, prompts[i].length), 1);
            List<Integer> plain = new ArrayList<>();
            while (plain.size() < length[i]) {
                int t = argmax(logits);
                plain.add(t);
                if (plain.size() < length[i]) {
                    logits = m.step(cache, t);
                }
            }
            assertThat(generated.get(i)).as("sequence %d", i).containsExactlyElementsOf(plain);
            assertThat(caches[i].nextPosition()).isEqualTo(cache.nextPosition());
        }
    }

    private static void assertNear(float[] actual, float[] expected, String what) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int j = 0; j < expected.length; j++) {
            double tol = 1e-4 * Math.max(1, Math.abs(expected[j]));
            if (Math.abs(actual[j] - expected[j]) > tol) {
                throw new AssertionError(what + ", logit " + j + ": " + actual[j] + " vs " + expected[j]);
            }
        }
    }

    private static int argmax(float[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) {
            if (x[i] > x[best]) {
                best = i;
            }
        }
        return best;
    }
}
