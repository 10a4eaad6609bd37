package io.glimpse.lm.prune;

import io.glimpse.lm.DecoderModel;
import io.glimpse.lm.Generation;
import io.glimpse.lm.KvCache;
import io.glimpse.lm.LayerAttention;
import io.glimpse.lm.LmFixtures;
import io.glimpse.lm.PositionPolicy;
import io.glimpse.lm.Sampler;
import io.glimpse.io.SafeTensors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Arrays;

import static io.glimpse.lm.LmFixtures.assertClose;
import static io.glimpse.lm.LmFixtures.floats;
import static io.glimpse.lm.LmFixtures.ints;
import static io.glimpse.lm.LmFixtures.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FastVLayerPrunerTest {
    @Test
    void keepsTheMostAttendedVisualRowsAndAllText() {
        FastVLayerPruner p = new FastVLayerPruner(2, 2, 4, 2, PositionPolicy.KEEP_ORIGINAL);
        // 3 cached slots from an earlier call, then 8 rows: text 0-1, visual 2-5, text 6-7.
        float[] attention = {9, 9, 9, 0.1f, 0.1f, 0.05f, 0.3f, 0.05f, 0.2f, 0.1f, 0.1f};
        assertThat(p.keep(2, LmFixtures.lastRowAttention(attention, 3, range(0, 8)))).containsExactly(0, 1, 3, 5, 6, 7);
        // Ties go to the earlier token.
        assertThat(p.keep(2, LmFixtures.lastRowAttention(new float[11], 3, range(0, 8)))).containsExactly(0, 1, 2, 3, 6, 7);
        // Rows are recognised as visual by their original index: original rows 1 and 4 were dropped earlier, so rows
        // 1, 2, 3 (originals 2, 3, 5) compete; row 2 wins and row 1 beats row 3 on the tie.
        float[] fewer = {0.2f, 0.1f, 0.3f, 0.1f, 0.1f, 0.2f};
        assertThat(p.keep(2, LmFixtures.lastRowAttention(fewer, 0, new int[] {0, 2, 3, 5, 6, 7}))).containsExactly(0, 1, 2, 4, 5);
        assertThat(p.actsBefore(2)).isTrue();
        assertThat(p.actsBefore(1)).isFalse();
    }

    @Test
    void badSettingsAreRejected() {
        assertThatThrownBy(() -> new FastVLayerPruner(0, 0, 4, 2, PositionPolicy.KEEP_ORIGINAL)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FastVLayerPruner(2, 0, 4, 5, PositionPolicy.KEEP_ORIGINAL)).isInstanceOf(IllegalArgumentException.class);
        FastVLayerPruner p = FastVLayerPruner.defaults(1, 6);
        assertThatThrownBy(() -> p.keep(2, LmFixtures.lastRowAttention(new float[7], 0, range(0, 7)))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("before the last");
    }

    @ParameterizedTest
    @ValueSource(strings = {"qwen2", "llama"})
    void prunedPrefillAndDecodingMatchTheGolden(String name) throws IOException {
        DecoderModel m = DecoderModel.load(LmFixtures.dir(name));
        SafeTensors g = LmFixtures.golden(name);
        int[] c = ints(g, "fastv.config");
        int[] kept = ints(g, "fastv.kept");
        float[] inputs = floats(g, "fastv.inputs");
        int rows = inputs.length / m.config().hiddenSize();
        KvCache cache = m.newCache(64);
        float[] logits = m.forward(cache, inputs, range(0, rows), kept.length,
                new FastVLayerPruner(c[0], c[1], c[2], c[3], PositionPolicy.KEEP_ORIGINAL));
        assertClose(logits, floats(g, "fastv.logits"));
        for (int l = 0; l < m.config().layers(); l++) {
            assertThat(cache.length(l)).isEqualTo(l < c[0] ? rows : kept.length);
        }
        assertThat(cache.nextPosition()).isEqualTo(rows);
        int[] expected = ints(g, "fastv.greedy");
        float[] last = Arrays.copyOfRange(logits, logits.length - m.config().vocabSize(), logits.length);
        Generation out = Generation.run(m, cache, last, expected.length, Sampler.greedy(), m.config().vocabSize(), new int[0], t -> { });
        assertThat(out.tokens()).containsExactly(expected);
    }

    @Test
    void recompactingShiftsLaterPositionsByTheDroppedCount() throws IOException {
        DecoderModel m = DecoderModel.load(LmFixtures.dir("qwen2"));
        SafeTensors g = LmFixtures.golden("qwen2");
        int[] c = ints(g, "fastv.config");
        float[] inputs = floats(g, "fastv.inputs");
        int rows = inputs.length / m.config().hiddenSize();
        KvCache keepOriginal = m.newCache(64);
        KvCache recompact = m.newCache(64);
        float[] a = m.forward(keepOriginal, inputs, range(0, rows), 1, new FastVLayerPruner(c[0], c[1], c[2], c[3], PositionPolicy.KEEP_ORIGINAL));
        float[] b = m.forward(recompact, inputs, range(0, rows), 1, new FastVLayerPruner(c[0], c[1], c[2], c[3], PositionPolicy.RECOMPACT));
        assertThat(recompact.nextPosition()).isEqualTo(rows - (c[2] - c[3]));
        assertThat(recompact.length(m.config().layers() - 1)).isEqualTo(keepOriginal.length(m.config().layers() - 1));
        assertThat(a).isNotEqualTo(b);
    }
}
