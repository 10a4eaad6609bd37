package io.glimpse.llava;

import io.glimpse.image.RgbImage;
import io.glimpse.io.SafeTensors;
import io.glimpse.lm.KvCache;
import io.glimpse.lm.PositionPolicy;
import io.glimpse.lm.Sampler;
import io.glimpse.reduce.Pipeline;
import io.glimpse.tokens.TokenSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

/**
 * The LLaVA-OneVision video path on a tiny checkpoint in the newer model.* tensor layout: SigLIP on a 7×7 grid,
 * projector, bilinear pooling to 4×4 per frame, one image_newline after both frames (goldens from PyTorch).
 */
class OneVisionVideoTest {
    static LlavaModel model;
    static SafeTensors golden;
    static List<RgbImage> frames;

    @BeforeAll
    static void load() throws IOException {
        model = LlavaModel.load(LlavaModelTest.FIXTURES.resolve("llava/onevision"));
        golden = SafeTensors.read(LlavaModelTest.FIXTURES.resolve("llava/onevision/golden.safetensors"));
        frames = List.of(LlavaModelTest.landscape(), LlavaModelTest.png(LlavaModelTest.FIXTURES.resolve("vision/portrait.png")));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static void assertClose(float[] actual, float[] expected, String what) {
        assertThat(actual).as(what + " length").hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("%s[%d]", what, i).isCloseTo(expected[i], offset(1e-4f * Math.max(1, Math.abs(expected[i]))));
        }
    }

    @Test
    void videoRowsArePooledFramesThenOneNewline() {
        TokenSet tokens = model.encode(frames, false).tokens();
        assertThat(tokens.size()).isEqualTo(2 * 49);
        LlavaModel.Block b = model.videoBlock(tokens, false, PositionPolicy.KEEP_ORIGINAL);
        assertThat(b.positions()).containsExactly(IntStream.range(0, 33).toArray());
        assertThat(b.span()).isEqualTo(33);
        assertClose(b.rows(), golden.tensors().get("video.features").toFloats(), "video rows");
    }

    @Test
    void promptLogitsAndGreedyAnswerMatchTheReference() {
        int[] ids = model.promptIds("What happens?", 0, 1);
        assertThat(ids).containsExactly(golden.tensors().get("prompt.ids").toInts());
        TokenSet tokens = model.encode(frames, false).tokens();
        LlavaModel.Prompt p = model.assemble(ids, List.of(model.videoBlock(tokens, false, PositionPolicy.KEEP_ORIGINAL)));
        KvCache cache = model.decoder().newCache(p.ids().length);
        float[] logits = model.decoder().forward(cache, p.inputs(), p.positions(), p.ids().length);
        assertClose(logits, golden.tensors().get("prompt.logits").toFloats(), "logits");

        Ask.Answer a = Ask.run(model, Ask.Request.video(frames, "What happens?").positions(PositionPolicy.KEEP_ORIGINAL)
                .maxTokens(8).sampler(Sampler.greedy()).build(), s -> { });
        assertThat(a.tokens()).containsExactly(golden.tensors().get("prompt.greedy").toInts());
        assertThat(a.stats().visualRows()).isEqualTo(33);
    }

    @Test
    void reducedVideoReplacesPoolingAndKeepsTheNewlineLast() {
        TokenSet tokens = model.encode(frames, false).tokens();
        TokenSet kept = Pipeline.of("kcenter:k=10").apply(tokens, io.glimpse.reduce.ReduceContext.defaults());
        LlavaModel.Block keep = model.videoBlock(kept, true, PositionPolicy.KEEP_ORIGINAL);
        assertThat(keep.positions()).hasSize(11);
        assertThat(keep.positions()[10]).as("newline after all 98 patch positions").isEqualTo(98);
        assertThat(keep.span()).isEqualTo(99);
        LlavaModel.Block compact = model.videoBlock(kept, true, PositionPolicy.RECOMPACT);
        assertThat(compact.positions()).containsExactly(IntStream.range(0, 11).toArray());
        int d = model.decoder().config().hiddenSize();
        float[] newline = java.util.Arrays.copyOfRange(golden.tensors().get("video.features").toFloats(), 32 * d, 33 * d);
        assertThat(java.util.Arrays.copyOfRange(compact.rows(), 10 * d, 11 * d)).containsExactly(newline);
    }
}
