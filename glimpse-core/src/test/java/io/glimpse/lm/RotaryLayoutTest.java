package io.glimpse.lm;

import io.glimpse.lm.prune.FastVLayerPruner;
import io.glimpse.lm.AttentionMasks;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The opt-in rotary schemes: hand-computed temporal ids, rotation positions and angles, and decoders that differ from
 * plain RoPE exactly where the scheme says.
 */
class RotaryLayoutTest {
    /** Small Qwen2 shape: heads of width 8, two query heads per key/value head. */
    private static DecoderConfig config(int layers) {
        return new DecoderConfig("qwen2", 40, 16, 24, layers, 2, 1, 8, 1e-6f, 10000, null, true, true, false, false, 512);
    }

    // Two text rows, then frames 4,4,4 and 7,7,7 at ids 2..7, then text.
    private static final RotaryLayout TC = RotaryLayout.tcLlava(0.5, 2, new int[] {4, 4, 4, 7, 7, 7});

    @Test
    void tcLlavaTemporalIdsCompressEachFrameToOneId() {
        int[] t = new int[11];
        Arrays.setAll(t, TC::temporal);
        // before: n; frames: v_s + rank = 2, 3; after: one past the last frame id (4), then +1 per row.
        assertThat(t).containsExactly(0, 1, 2, 2, 2, 3, 3, 3, 4, 5, 6);
        assertThat(TC.rotation(1)).isEqualTo(1.5f);
        assertThat(TC.rotation(5)).isEqualTo(6.5f);
        assertThat(TC.rotation(8)).isEqualTo(10f);
        assertThat(RotaryLayout.tcLlava(0.25, 0, new int[] {0, 0}).rotation(3)).isEqualTo(3 + 0.25f * 2);
    }

    @Test
    void tcLlavaMaskIsFrameBlockCausalOverThePrompt() {
        assertThat(TC.promptMask(10)).isEqualTo(AttentionMasks.frameBlockCausal(2, new int[] {0, 0, 0, 1, 1, 1}, 2));
        // row 3 (frame 4) sees its whole frame (ids 2..4) but not the next frame; text stays causal.
        assertThat(TC.promptMask(10).visibleEnd(3)).isEqualTo(5);
        assertThat(TC.promptMask(10).visibleEnd(5)).isEqualTo(8);
        assertThat(TC.promptMask(10).visibleEnd(8)).isEqualTo(9);
        assertThat(RotaryLayout.vista(2, 6).promptMask(10)).isNull();
    }

    @Test
    void vistaSkipsRotationOnlyForTextQueriesOverVisualKeys() {
        RotaryLayout v = RotaryLayout.vista(2, 6);
        assertThat(v.unrotated(8, 2)).isTrue();
        assertThat(v.unrotated(20, 7)).isTrue();
        assertThat(v.unrotated(8, 1)).isFalse();
        assertThat(v.unrotated(8, 8)).isFalse();
        assertThat(v.unrotated(3, 2)).isFalse();
        assertThat(v.unrotated(1, 0)).isFalse();
        assertThat(v.rotation(5)).isEqualTo(5f);
    }

    @Test
    void badLayoutsAreRejected() {
        assertThatThrownBy(() -> RotaryLayout.tcLlava(0.5, 0, new int[] {1, 0})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("grouped by frame");
        assertThatThrownBy(() -> RotaryLayout.tcLlava(Double.NaN, 0, new int[] {0})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RotaryLayout.vista(0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TC.promptMask(7)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("past the prompt");
    }

    @Test
    void fractionalRotationTurnsByPositionTimesFrequency() {
        DecoderConfig c = config(1);
        Rope rope = new Rope(c);
        float[] inv = rope.inverseFrequencies();
        float[] x = new float[8];
        x[1] = 1f; // pair (1, 5): rotated to (cos a, sin a) with a = 6.5 * inv[1] = 6.5 / 10000^(2/8) = 0.65
        rope.apply(x, 0, 1, 6.5f);
        assertThat(inv[1]).isCloseTo(0.1f, within(1e-7f));
        assertThat(x[1]).isCloseTo((float) Math.cos(0.65), within(1e-6f));
        assertThat(x[5]).isCloseTo((float) Math.sin(0.65), within(1e-6f));
        float[] a = {1, 2, 3, 4, 5, 6, 7, 8};
        float[] b = a.clone();
        rope.apply(a, 0, 1, 3);
        rope.apply(b, 0, 1, 3f);
        assertThat(a).containsExactly(b);
    }

    private static float[] prefill(DecoderModel m, RotaryLayout layout, int[] positions, int[] ids) {
        KvCache cache = m.newCache(32, layout);
        return m.forward(cache, m.embed(ids), positions, ids.length, null, null);
    }

    @Test
    void textOnlyPromptsAreUnchangedByVistaAndTcLlavaRotatesTextByOnePlusGamma() {
        DecoderModel m = LmFixtures.randomDecoder(config(2), 5);
        int[] ids = {3, 1, 4, 1, 5, 9};
        int[] pos = LmFixtures.range(0, ids.length);
        float[] plain = prefill(m, null, pos, ids);
        // A visual block after the prompt: every row is text.
        assertThat(prefill(m, RotaryLayout.vista(20, 4), pos, ids)).containsExactly(plain);
        assertThat(prefill(m, RotaryLayout.tcLlava(0, 20, new int[] {0, 1}), pos, ids)).containsExactly(plain);
        // Text before the block has t(n) = n, so gamma 1 rotates row n by 2n: plain RoPE at ids 0, 2, 4, ...
        int[] doubled = Arrays.stream(pos).map(p -> 2 * p).toArray();
        assertThat(prefill(m, RotaryLayout.tcLlava(1, 20, new int[] {0, 1}), pos, ids)).containsExactly(prefill(m, null, doubled, ids));
    }

    @Test
    void vistaChangesOnlyTextRowsAfterTheVisualBlockAndMatchesAKeyAtTheQuerysPosition() {
        int vocab = config(1).vocabSize();
        int[] ids = {3, 7, 8, 9, 2, 6};
        int[] pos = LmFixtures.range(0, ids.length);
        RotaryLayout vista = RotaryLayout.vista(1, 3);
        DecoderModel deep = LmFixtures.randomDecoder(config(2), 6);
        float[] plain = prefill(deep, null, pos, ids);
        float[] edvt = prefill(deep, vista, pos, ids);
        assertThat(Arrays.copyOf(edvt, 4 * vocab)).containsExactly(Arrays.copyOf(plain, 4 * vocab));
        assertThat(Arrays.copyOfRange(edvt, 4 * vocab, 6 * vocab)).isNotEqualTo(Arrays.copyOfRange(plain, 4 * vocab, 6 * vocab));

        // One layer, one visual row at id 1, text query at id 2: q·k unrotated = R(2)q·R(2)k, i.e. plain RoPE with the
        // visual key moved to the query's id; in one layer the visual row's own output does not reach the last row.
        DecoderModel one = LmFixtures.randomDecoder(config(1), 7);
        int[] three = {3, 7, 8};
        float[] last = Arrays.copyOfRange(prefill(one, RotaryLayout.vista(1, 1), new int[] {0, 1, 2}, three), 2 * vocab, 3 * vocab);
        float[] moved = Arrays.copyOfRange(prefill(one, null, new int[] {0, 2, 2}, three), 2 * vocab, 3 * vocab);
        for (int i = 0; i < vocab; i++) {
            assertThat(last[i]).isCloseTo(moved[i], within(1e-4f));
        }
        assertThat(prefill(one, null, new int[] {0, 1, 2}, three)[2 * vocab]).isNotCloseTo(last[0], within(1e-4f));
    }

    @Test
    void vistaDecodeStepsKeepEqualDistanceAndTcLlavaStepsFollowTheTemporalIds() {
        DecoderModel m = LmFixtures.randomDecoder(config(2), 8);
        int[] ids = {3, 7, 8, 9, 2};
        int[] pos = LmFixtures.range(0, ids.length);
        // Vista: a step from the prompt's cache equals the same row fed in the prefill (same rule for text rows).
        RotaryLayout vista = RotaryLayout.vista(1, 3);
        float[] all = prefill(m, vista, LmFixtures.range(0, 6), new int[] {3, 7, 8, 9, 2, 4});
        KvCache cache = m.newCache(32, vista);
        m.forward(cache, m.embed(ids), pos, 1, null, null);
        float[] step = m.step(cache, 4);
        int vocab = m.config().vocabSize();
        for (int i = 0; i < vocab; i++) {
            assertThat(step[i]).isCloseTo(all[5 * vocab + i], within(1e-4f));
        }
        // TC-LLaVA: the step at id 5 rotates by 5 + gamma * t(5) = 5 + 0.5 * (1 + 2 + 1) under frames {0, 0, 1}.
        RotaryLayout tc = RotaryLayout.tcLlava(0.5, 1, new int[] {0, 0, 1});
        assertThat(tc.rotation(5)).isEqualTo(7f);
        KvCache tcCache = m.newCache(32, tc);
        m.forward(tcCache, m.embed(ids), pos, 1, null, tc.promptMask(5));
        float[] tcStep = m.step(tcCache, 4);
        KvCache whole = m.newCache(32, tc);
        float[] tcAll = m.forward(whole, m.embed(new int[] {3, 7, 8, 9, 2, 4}), LmFixtures.range(0, 6), 1, null, tc.promptMask(6));
        for (int i = 0; i < vocab; i++) {
            assertThat(tcStep[i]).isCloseTo(tcAll[i], within(1e-4f));
        }
        assertThat(tcStep[0]).isNotCloseTo(step[0], within(1e-4f));
    }

    @Test
    void aLayoutWithInLlmPruningIsRejected() {
        DecoderModel m = LmFixtures.randomDecoder(config(3), 9);
        KvCache cache = m.newCache(32, RotaryLayout.vista(1, 2));
        int[] ids = {3, 7, 8, 9};
        assertThatThrownBy(() -> m.forward(cache, m.embed(ids), LmFixtures.range(0, 4), 1, FastVLayerPruner.defaults(1, 2), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pruning");
    }
}
