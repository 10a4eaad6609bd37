package io.glimpse.llava;

import io.glimpse.io.SafeTensors;
import io.glimpse.lm.prune.FastVLayerPruner;
import io.glimpse.lm.PositionPolicy;
import io.glimpse.lm.Sampler;
import io.glimpse.reduce.Pipeline;
import io.glimpse.reduce.ReduceContext;
import io.glimpse.tokens.TokenSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The end-to-end turn on the tiny LLaVA-1.5 fixture, with and without reduction in encoder space. */
class AskTest {
    static LlavaModel model;
    static SafeTensors golden;

    @BeforeAll
    static void load() throws IOException {
        model = LlavaModel.load(LlavaModelTest.LLAVA15);
        golden = SafeTensors.read(LlavaModelTest.LLAVA15.resolve("golden.safetensors"));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static LlavaModel.Block block(TokenSet tokens, boolean reduced, PositionPolicy policy) throws IOException {
        return model.imageBlock(tokens, model.crops(LlavaModelTest.landscape(), 1), reduced, policy);
    }

    @Test
    void unreducedAnswerIsTheGoldenContinuationStreamedAsItsText() throws IOException {
        StringBuilder streamed = new StringBuilder();
        Ask.Answer a = Ask.run(model, Ask.Request.images(List.of(LlavaModelTest.landscape()), "What is this?")
                .positions(PositionPolicy.KEEP_ORIGINAL).maxTokens(8).sampler(Sampler.greedy()).build(), streamed::append);
        int[] expected = golden.tensors().get("prompt.greedy").toInts();
        assertThat(a.tokens()).containsExactly(expected);
        assertThat(streamed.toString()).isEqualTo(model.tokenizer().decode(expected, true));
        assertThat(a.stats().encoderTokens()).isEqualTo(16);
        assertThat(a.stats().visualRows()).isEqualTo(16);
        assertThat(a.stats().stages()).isEmpty();
        assertThat(a.stats().promptRows()).isEqualTo(golden.tensors().get("prompt.ids").toInts().length - 1 + 16);
        assertThat(a.stats().generated()).isEqualTo(8);
    }

    @Test
    void reductionRunsBeforeTheProjectorSoTheDecoderSeesFewerRows() throws IOException {
        Ask.Answer a = Ask.run(model, Ask.Request.images(List.of(LlavaModelTest.landscape()), "What is this?")
                .reduce(Pipeline.of("kcenter:k=5")).positions(PositionPolicy.RECOMPACT).maxTokens(3).build(), s -> { });
        assertThat(a.stats().encoderTokens()).isEqualTo(16);
        assertThat(a.stats().stages()).singleElement().satisfies(s -> {
            assertThat(s.tokensIn()).isEqualTo(16);
            assertThat(s.tokensOut()).isEqualTo(5);
        });
        assertThat(a.stats().visualRows()).isEqualTo(5);
        assertThat(a.stats().promptRows()).isEqualTo(golden.tensors().get("prompt.ids").toInts().length - 1 + 5);
    }

    @Test
    void aReductionThatKeepsEveryTokenLeavesTheGoldenAnswerUnderBothPolicies() throws IOException {
        int[] expected = golden.tensors().get("prompt.greedy").toInts();
        for (PositionPolicy policy : PositionPolicy.values()) {
            Ask.Answer a = Ask.run(model, Ask.Request.images(List.of(LlavaModelTest.landscape()), "What is this?")
                    .reduce(Pipeline.of("kcenter:k=16")).positions(policy).maxTokens(8).build(), s -> { });
            assertThat(a.stats().visualRows()).isEqualTo(16);
            assertThat(a.tokens()).as(policy.name()).containsExactly(expected);
        }
    }

    @Test
    void fastVInsideTheDecoderDropsHalfTheVisualRowsFromLayerTwoOn() throws IOException {
        Ask.Answer a = Ask.run(model, Ask.Request.images(List.of(LlavaModelTest.landscape()), "What is this?")
                .positions(PositionPolicy.KEEP_ORIGINAL).maxTokens(3).llmPruning((layers, start, count) -> {
                    assertThat(count).isEqualTo(16);
                    assertThat(start).isEqualTo(IntStream.range(0, 99).filter(i -> golden.tensors().get("prompt.ids").toInts()[i]
                            == model.imageToken()).findFirst().orElseThrow());
                    return FastVLayerPruner.defaults(start, count);
                }).build(), s -> { });
        assertThat(a.stats().visualRows()).isEqualTo(16);
        assertThat(a.stats().visualRowsAtLastLayer()).isEqualTo(8);
    }

    @Test
    void fastVKeepingEveryVisualRowLeavesTheGoldenAnswer() throws IOException {
        Ask.Answer a = Ask.run(model, Ask.Request.images(List.of(LlavaModelTest.landscape()), "What is this?")
                .positions(PositionPolicy.KEEP_ORIGINAL).maxTokens(8)
                .llmPruning((layers, start, count) -> new FastVLayerPruner(2, start, count, count, PositionPolicy.KEEP_ORIGINAL))
                .build(), s -> { });
        assertThat(a.stats().visualRowsAtLastLayer()).isEqualTo(16);
        assertThat(a.tokens()).containsExactly(golden.tensors().get("prompt.greedy").toInts());
    }

    @Test
    void selectedTokensProjectToTheSameRowsTheirPatchesHadUnreduced() throws IOException {
        TokenSet all = model.encode(List.of(LlavaModelTest.landscape()), false).tokens();
        TokenSet kept = Pipeline.of("kcenter:k=5").apply(all, ReduceContext.defaults());
        float[] full = model.project(all);
        float[] some = model.project(kept);
        int d = model.decoder().config().hiddenSize();
        for (int t = 0; t < kept.size(); t++) {
            int patch = kept.patchIndex(kept.frame(t), kept.row(t), kept.col(t));
            for (int k = 0; k < d; k++) {
                float want = full[patch * d + k];
                // GEMM backends may sum in another order for another row count: equal up to float rounding.
                assertThat(some[t * d + k]).isCloseTo(want, org.assertj.core.data.Offset.offset(1e-5f * Math.max(1f, Math.abs(want))));
            }
        }
    }

    @Test
    void positionsKeepTheOriginalPatchIndicesOrAreRecompacted() throws IOException {
        TokenSet all = model.encode(List.of(LlavaModelTest.landscape()), false).tokens();
        TokenSet kept = Pipeline.of("kcenter:k=5").apply(all, ReduceContext.defaults());
        int[] ids = model.promptIds("What is this?", 1, 0);
        int slot = IntStream.range(0, ids.length).filter(i -> ids[i] == model.imageToken()).findFirst().orElseThrow();

        LlavaModel.Prompt keep = model.assemble(ids, List.of(block(kept, true, PositionPolicy.KEEP_ORIGINAL)));
        for (int t = 0; t < 5; t++) {
            assertThat(keep.positions()[slot + t]).isEqualTo(slot + kept.patchIndex(0, kept.row(t), kept.col(t)));
        }
        assertThat(keep.positions()[slot + 5]).as("text after the image continues after all 16 patches").isEqualTo(slot + 16);

        LlavaModel.Prompt compact = model.assemble(ids, List.of(block(kept, true, PositionPolicy.RECOMPACT)));
        assertThat(compact.positions()).containsExactly(IntStream.range(0, ids.length - 1 + 5).toArray());
        assertThat(compact.ids()).hasSize(ids.length - 1 + 5);
    }

    @Test
    void placeholderAndInputCountsMustAgree() throws IOException {
        TokenSet all = model.encode(List.of(LlavaModelTest.landscape()), false).tokens();
        int[] ids = model.promptIds("What is this?", 1, 0);
        LlavaModel.Block b = block(all, false, PositionPolicy.KEEP_ORIGINAL);
        assertThatThrownBy(() -> model.assemble(ids, List.of(b, b))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 image/video placeholders for 2 inputs");
        assertThatThrownBy(() -> model.videoBlock(all, false, PositionPolicy.KEEP_ORIGINAL))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("image_newline");
        assertThatThrownBy(() -> Ask.Request.images(List.of(), "q").maxTokens(4).build())
                .isInstanceOf(IllegalArgumentException.class);
    }
}
