package io.glimpse.lm;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static io.glimpse.lm.LmFixtures.range;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An f16 KV cache stores every key and value rounded to half precision once, takes half the bytes per token, and
 * decodes what the f32 cache decodes: the same greedy tokens on the fixture checkpoints, logits within the error that
 * rounding keys and values to 11 significant bits gives, and the prefix and draft-compaction paths keep the values.
 */
class KvHalfTest {
    private static final int STEPS = 16;

    @Test
    void greedyTokensMatchTheF32CacheAndLogitsStayClose() throws IOException {
        for (String name : List.of("qwen2", "llama")) {
            DecoderModel m = DecoderModel.load(LmFixtures.dir(name));
            int[] prompt = new SplittableRandom(3).ints(20, 0, m.config().vocabSize()).toArray();
            KvCache full = m.newCache(prompt.length + STEPS, null, KvPrecision.F32);
            KvCache half = m.newCache(prompt.length + STEPS, null, KvPrecision.F16);
            assertThat(half.bytesPerToken() * 2).isEqualTo(full.bytesPerToken());
            assertThat(half.bytesPerToken()).isEqualTo(2L * m.config().layers() * m.config().kvHeads() * m.config().headDim() * 2);
            float[] a = m.forward(full, m.embed(prompt), range(0, prompt.length), 1);
            float[] b = m.forward(half, m.embed(prompt), range(0, prompt.length), 1);
            // Layer 0's keys come from the same inputs, so the f16 cache holds exactly their half-precision rounding.
            float[] k32 = full.keys(0);
            float[] k16 = half.keys(0);
            for (int g = 0; g < m.config().kvHeads(); g++) {
                for (int i = full.offset(g, 0); i < full.offset(g, prompt.length); i++) {
                    assertThat(k16[i]).isEqualTo(Float.float16ToFloat(Float.floatToFloat16(k32[i])));
                }
            }
            double largest = 0;
            double worst = 0;
            for (int step = 0; step < STEPS; step++) {
                for (int j = 0; j < a.length; j++) {
                    largest = Math.max(largest, Math.abs(a[j]));
                    worst = Math.max(worst, Math.abs(a[j] - b[j]));
                }
                int ta = argmax(a);
                assertThat(argmax(b)).as("%s step %d", name, step).isEqualTo(ta);
                a = m.step(full, ta);
                b = m.step(half, ta);
            }
            assertThat(worst).as(name).isPositive().isLessThan(2e-2 * Math.max(1, largest));
        }
    }

    @Test
    void prefixesAndDraftCompactionKeepHalfValues() {
        DecoderConfig c = new DecoderConfig("qwen2", 97, 32, 48, 2, 4, 2, 8, 1e-6f, 10000, null, true, true, false, false, 512);
        DecoderModel m = LmFixtures.randomDecoder(c, 5);
        int[] prompt = new SplittableRandom(8).ints(12, 0, c.vocabSize()).toArray();
        TokenRecycling recycling = TokenRecycling.reference(c.vocabSize());
        KvCache root = m.newCache(64, null, KvPrecision.F16);
        float[] first = m.forward(root, m.embed(prompt), range(0, prompt.length), 1);
        KvCache continued = root.prefix(prompt.length, prompt.length, prompt.length + 24 + recycling.extraSlots());
        assertThat(continued.precision()).isEqualTo(KvPrecision.F16);
        assertThat(continued.keys(1)).startsWith(Arrays.copyOf(root.keys(1), prompt.length * c.headDim()));
        KvCache plain = root.prefix(prompt.length, prompt.length, prompt.length + 24);
        int[] expected = Generation.run(m, plain, first, 24, Sampler.greedy(), c.vocabSize(), new int[0], t -> { }).tokens();
        int[] fast = recycling.run(m, continued, first, 24, Sampler.greedy(), c.vocabSize(), new int[0], t -> { })
                .generation().tokens();
        assertThat(fast).containsExactly(expected);
        for (int l = 0; l < c.layers(); l++) {
            assertThat(continued.length(l)).isEqualTo(plain.length(l));
        }
    }

    @Test
    void vistaKeepsItsUnrotatedKeysInHalfToo() {
        DecoderConfig c = new DecoderConfig("llama", 61, 32, 40, 2, 4, 2, 8, 1e-5f, 10000, null, false, false, false, false, 512);
        DecoderModel m = LmFixtures.randomDecoder(c, 6);
        int[] prompt = new SplittableRandom(1).ints(10, 0, c.vocabSize()).toArray();
        KvCache full = m.newCache(16, RotaryLayout.vista(2, 5), KvPrecision.F32);
        KvCache half = m.newCache(16, RotaryLayout.vista(2, 5), KvPrecision.F16);
        assertThat(half.bytesPerToken() * 2).isEqualTo(full.bytesPerToken());
        float[] a = m.forward(full, m.embed(prompt), range(0, prompt.length), 1);
        float[] b = m.forward(half, m.embed(prompt), range(0, prompt.length), 1);
        for (int j = 0; j < a.length; j++) {
            assertThat((double) b[j]).isCloseTo(a[j], org.assertj.core.data.Offset.offset(2e-2 * Math.max(1, Math.abs(a[j]))));
        }
        assertThat(half.rawKeys(0)[3]).isEqualTo(Float.float16ToFloat(Float.floatToFloat16(full.rawKeys(0)[3])));
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
