package io.glimpse.lm;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

import static io.glimpse.lm.LmFixtures.range;
import static org.assertj.core.api.Assertions.assertThat;

/** Template, tokenizer, decoder, sampler and streaming together on the tiny Qwen2 checkpoint. */
class ChatRoundTripTest {
    @Test
    void aStreamedAnswerIsTheGreedyContinuationRecomputedWithoutCache() throws IOException {
        DecoderModel m = DecoderModel.load(LmFixtures.dir("qwen2"));
        try (TextTokenizer tok = TextTokenizer.load(LmFixtures.dir("qwen2"))) {
            String prompt = ChatTemplate.LLAVA_ONEVISION.render(List.of(ChatMessage.user("What is the dog?")), true);
            int[] ids = tok.encode(prompt, true);
            KvCache cache = m.newCache(64);
            float[] logits = m.forward(cache, m.embed(ids), range(0, ids.length), 1);
            TextStream stream = new TextStream(tok);
            StringBuilder text = new StringBuilder();
            Generation out = Generation.run(m, cache, logits, 12, Sampler.greedy(), tok.size(),
                    ChatTemplate.LLAVA_ONEVISION.stopIds(tok), t -> text.append(stream.accept(t)));

            int[] seq = Arrays.copyOf(ids, ids.length + out.tokens().length);
            for (int i = 0; i < out.tokens().length; i++) {
                int n = ids.length + i;
                float[] full = m.forward(m.newCache(64), m.embed(Arrays.copyOf(seq, n)), range(0, n), 1);
                assertThat(out.tokens()[i]).as("token %d", i).isEqualTo(Sampler.greedy().next(full, tok.size()));
                seq[n] = out.tokens()[i];
            }
            assertThat(out.tokens().length).isPositive();
            assertThat(Arrays.stream(out.tokens()).allMatch(t -> t < tok.size())).isTrue();
            text.append(stream.finish());
            assertThat(text.toString()).isEqualTo(tok.decode(out.tokens(), true));
        }
    }
}
