package io.glimpse.lm;

import io.glimpse.io.SafeTensors;
import io.glimpse.lm.prune.FastVLayerPruner;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;

import static io.glimpse.lm.LmFixtures.assertClose;
import static io.glimpse.lm.LmFixtures.floats;
import static io.glimpse.lm.LmFixtures.ints;
import static io.glimpse.lm.LmFixtures.range;
import static org.assertj.core.api.Assertions.assertThat;

/** TC-LLaVA's frame-wise block-causal mask in the decoder, against the mask.* goldens (frames of 4 visual tokens). */
class BlockCausalMaskTest {
    private static AttentionMask mask(int start, int count, int rows) {
        int[] frameOfRow = new int[count];
        for (int r = 0; r < count; r++) {
            frameOfRow[r] = r / 4;
        }
        return AttentionMasks.frameBlockCausal(start, frameOfRow, rows - start - count);
    }

    @ParameterizedTest
    @ValueSource(strings = {"qwen2", "llama"})
    void blockCausalPrefillMatchesTheGolden(String name) throws IOException {
        DecoderModel m = DecoderModel.load(LmFixtures.dir(name));
        SafeTensors g = LmFixtures.golden(name);
        int[] c = ints(g, "fastv.config");
        float[] inputs = floats(g, "fastv.inputs");
        int rows = inputs.length / m.config().hiddenSize();
        AttentionMask mask = mask(c[1], c[2], rows);
        int[] visibleEnd = ints(g, "mask.visible_end");
        for (int r = 0; r < rows; r++) {
            assertThat(mask.visibleEnd(r)).as("row %d", r).isEqualTo(visibleEnd[r]);
        }
        float[] logits = m.forward(m.newCache(64), inputs, range(0, rows), rows, null, mask);
        assertClose(logits, floats(g, "mask.logits"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"qwen2", "llama"})
    void maskAndFastVTogetherMatchTheGolden(String name) throws IOException {
        DecoderModel m = DecoderModel.load(LmFixtures.dir(name));
        SafeTensors g = LmFixtures.golden(name);
        int[] c = ints(g, "fastv.config");
        float[] inputs = floats(g, "fastv.inputs");
        int rows = inputs.length / m.config().hiddenSize();
        int kept = rows - c[2] + c[3];
        float[] logits = m.forward(m.newCache(64), inputs, range(0, rows), kept,
                new FastVLayerPruner(c[0], c[1], c[2], c[3], PositionPolicy.KEEP_ORIGINAL), mask(c[1], c[2], rows));
        assertClose(logits, floats(g, "mask_fastv.logits"));
    }
}
