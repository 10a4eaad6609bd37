package io.glimpse.lm;

import io.glimpse.io.SafeTensors;
import io.glimpse.tokens.AttentionMask;
import io.glimpse.tokens.AttentionMasks;
import io.glimpse.tokens.FrameInfo;
import io.glimpse.tokens.TokenSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static io.glimpse.lm.LmFixtures.assertClose;
import static io.glimpse.lm.LmFixtures.floats;
import static io.glimpse.lm.LmFixtures.ints;
import static io.glimpse.lm.LmFixtures.range;
import static org.assertj.core.api.Assertions.assertThat;

/** TC-LLaVA's frame-wise block-causal mask in the decoder, against the mask.* goldens (frames of 4 visual tokens). */
class BlockCausalMaskTest {
    private static AttentionMask mask(int start, int count, int rows) {
        List<FrameInfo> frames = new ArrayList<>();
        for (int left = count; left > 0; left -= 4) {
            frames.add(new FrameInfo(frames.size(), left >= 4 ? 2 : 1, left >= 4 ? 2 : left, 28, 28, 0, 0));
        }
        TokenSet tokens = TokenSet.fromGrid(new float[count], 1, frames);
        return AttentionMasks.frameBlockCausal(start, tokens, rows - start - count);
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
