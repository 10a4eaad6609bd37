package io.glimpse.llava;

import io.glimpse.image.RgbImage;
import io.glimpse.lm.PositionPolicy;
import io.glimpse.lm.TokenRecycling;
import io.glimpse.lm.prune.FastVLayerPruner;
import io.glimpse.reduce.Pipeline;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With visual tokens in the prompt, speculative decoding by token recycling answers exactly what plain greedy
 * decoding answers: images and video, after reduction, with in-LLM pruning and under Vista's rotary layout.
 */
class SpeculativeAskTest {
    private static final List<String> PROMPTS = List.of("What is this?", "Repeat after me: red green blue red green blue red green blue",
            "def f(x): return x + 1\ndef g(x): return x + 2\ndef h(x):", "Describe the picture in detail, please.");

    @Test
    void imageAnswersAreThePlainOnesUnderEveryVisualTreatment() throws IOException {
        try (LlavaModel model = LlavaModel.load(LlavaModelTest.LLAVA15)) {
            RgbImage image = LlavaModelTest.landscape();
            List<UnaryOperator<Ask.Request.Builder>> treatments = List.of(
                    b -> b,
                    b -> b.reduce(Pipeline.of("kcenter:k=5")),
                    b -> b.positions(PositionPolicy.KEEP_ORIGINAL).llmPruning((layers, start, count) -> FastVLayerPruner.defaults(start, count)),
                    b -> b.positions(new Positions.Vista()));
            TokenRecycling recycling = TokenRecycling.reference(model.decoder().config().vocabSize());
            int forwards = 0;
            int tokens = 0;
            for (UnaryOperator<Ask.Request.Builder> treatment : treatments) {
                for (String prompt : PROMPTS) {
                    Ask.Answer plain = Ask.run(model, treatment.apply(Ask.Request.images(List.of(image), prompt).maxTokens(40)).build(), s -> { });
                    StringBuilder text = new StringBuilder();
                    Ask.Answer fast = Ask.run(model, treatment.apply(Ask.Request.images(List.of(image), prompt).maxTokens(40))
                            .speculate(recycling).build(), text::append);
                    assertThat(fast.tokens()).as(prompt).containsExactly(plain.tokens());
                    assertThat(fast.stopped()).isEqualTo(plain.stopped());
                    assertThat(text.toString()).isEqualTo(model.tokenizer().decode(plain.tokens(), true));
                    assertThat(fast.stats().verifyForwards()).isPositive();
                    forwards += fast.stats().verifyForwards();
                    tokens += fast.stats().generated() - 1;
                }
            }
            assertThat(forwards).as("forwards for %d tokens", tokens).isLessThan(tokens);
        }
    }

    @Test
    void videoAnswersAreThePlainOnes() throws IOException {
        try (LlavaModel model = LlavaModel.load(LlavaModelTest.FIXTURES.resolve("llava/onevision"))) {
            List<RgbImage> frames = List.of(LlavaModelTest.landscape(), LlavaModelTest.png(LlavaModelTest.FIXTURES.resolve("llava/wide.png")));
            TokenRecycling recycling = TokenRecycling.reference(model.decoder().config().vocabSize());
            for (String prompt : PROMPTS) {
                Ask.Answer plain = Ask.run(model, Ask.Request.video(frames, prompt).maxTokens(32).build(), s -> { });
                Ask.Answer fast = Ask.run(model, Ask.Request.video(frames, prompt).maxTokens(32).speculate(recycling).build(), s -> { });
                assertThat(fast.tokens()).as(prompt).containsExactly(plain.tokens());
            }
        }
    }
}
