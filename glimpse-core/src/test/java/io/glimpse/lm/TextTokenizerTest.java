package io.glimpse.lm;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Expectations worked out by hand from the fixture vocabularies and merge lists (make_fixtures.py): the Qwen2
 * fixture gives byte b the id b, the Llama fixture is SentencePiece-style with byte fallback.
 */
class TextTokenizerTest {
    private static TextTokenizer qwen;
    private static TextTokenizer llama;

    @BeforeAll
    static void load() throws IOException {
        qwen = TextTokenizer.load(LmFixtures.dir("qwen2"));
        llama = TextTokenizer.load(LmFixtures.dir("llama").resolve("tokenizer.json"));
    }

    @AfterAll
    static void close() {
        qwen.close();
        llama.close();
    }

    private static int[] ids(TextTokenizer t, String... tokens) {
        return Stream.of(tokens).mapToInt(s -> {
            int id = t.id(s);
            assertThat(id).as(s).isNotNegative();
            return id;
        }).toArray();
    }

    @Test
    void qwenByteLevelBpeFollowsTheMergeRanks() {
        // "What" → W h a t → W h at → W hat → What; " the" → Ġt h e → Ġt he → Ġthe; " dog": "o g" outranks "Ġ d".
        assertThat(qwen.encode("What is the dog?", false)).containsExactly(ids(qwen, "What", "Ġis", "Ġthe", "Ġdog", "?"));
        // Digits are split one per piece; a newline is byte 0x0A, drawn as Ċ.
        assertThat(qwen.encode("12 jumps\n", false)).containsExactly('1', '2', qwen.id("Ġjumps"), qwen.id("Ċ"));
        assertThat(qwen.id("Ċ")).isEqualTo(10);
    }

    @Test
    void qwenAddedTokensAreMatchedBeforeBpeAndNoBosIsAdded() {
        int[] got = qwen.encode("<|im_start|>user\n<image>\nhi<|im_end|>", true);
        assertThat(got).containsExactly(ids(qwen, "<|im_start|>", "us", "er", "Ċ", "<image>", "Ċ", "h", "i", "<|im_end|>"));
        assertThat(qwen.isSpecial(qwen.id("<image>"))).isTrue();
        assertThat(qwen.isSpecial(qwen.id("Ġthe"))).isFalse();
        assertThat(qwen.size()).isEqualTo(qwen.id("<video>") + 1);
    }

    @Test
    void qwenRoundTripsBytesItHasNoMergesFor() {
        String text = "Ünïcödé\u00a0und 東京 — 42!\n\tend";
        int[] got = qwen.encode(text, false);
        assertThat(qwen.decode(got, false)).isEqualTo(text);
        assertThat(Arrays.stream(got)).allMatch(id -> id < qwen.id("<|endoftext|>"));
    }

    @Test
    void longInputIsNotTruncated() {
        int[] ids = qwen.encode(" the dog".repeat(1500), false);
        assertThat(ids.length).isEqualTo(3000);
        assertThat(ids[2999]).isEqualTo(qwen.id("Ġdog"));
    }

    @Test
    void llamaPrependsBosAndUsesSentencePieceSpaces() {
        assertThat(llama.encode("What is the dog?", true))
                .containsExactly(ids(llama, "<s>", "▁", "W", "hat", "▁is", "▁the", "▁dog", "?"));
        assertThat(llama.encode("What is the dog?", false)[0]).isEqualTo(llama.id("▁"));
        assertThat(llama.decode(llama.encode("What is the dog?", true), true)).isEqualTo("What is the dog?");
    }

    @Test
    void llamaFallsBackToBytes() {
        assertThat(llama.encode("é", false)).containsExactly(ids(llama, "▁", "<0xC3>", "<0xA9>"));
        assertThat(llama.decode(llama.encode("é dog", true), true)).isEqualTo("é dog");
    }

    @Test
    void streamingHoldsBackIncompleteCharacters() {
        int[] tokens = qwen.encode("é ok 東", false);
        TextStream stream = new TextStream(qwen);
        StringBuilder out = new StringBuilder();
        List<String> pieces = new ArrayList<>();
        for (int t : tokens) {
            String s = stream.accept(t);
            pieces.add(s);
            out.append(s);
        }
        assertThat(out.toString()).isEqualTo("é ok 東");
        assertThat(pieces.get(0)).isEmpty();
        assertThat(pieces.get(1)).isEqualTo("é");
        assertThat(pieces).noneMatch(s -> s.contains("\uFFFD"));
        assertThat(stream.finish()).isEmpty();
        // A lone lead byte of a 3-byte character never completes; finish releases it as U+FFFD.
        assertThat(stream.accept(0xE6)).isEmpty();
        assertThat(stream.finish()).isEqualTo("\uFFFD");
    }

    @Test
    void llavaOneVisionTemplate() {
        String prompt = ChatTemplate.LLAVA_ONEVISION.render(List.of(new ChatMessage("user", 1, 0, "What is shown?")), true);
        assertThat(prompt).isEqualTo("<|im_start|>user\n<image>\nWhat is shown?<|im_end|>\n<|im_start|>assistant\n");
        String video = ChatTemplate.LLAVA_ONEVISION.render(List.of(new ChatMessage("system", 0, 0, "Be brief."),
                new ChatMessage("user", 0, 1, "What happens?")), false);
        assertThat(video).isEqualTo("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\n<video>\nWhat happens?<|im_end|>\n");
        assertThat(ChatTemplate.LLAVA_ONEVISION.stopIds(qwen)).containsExactly(qwen.id("<|im_end|>"));
        int[] ids = qwen.encode(prompt, true);
        assertThat(Arrays.stream(ids).filter(i -> i == qwen.id("<image>")).count()).isEqualTo(1);
        assertThat(ids[0]).isEqualTo(qwen.id("<|im_start|>"));
    }

    @Test
    void qwenInstructTemplateInsertsTheDefaultSystemPrompt() {
        assertThat(ChatTemplate.QWEN2_INSTRUCT.render(List.of(ChatMessage.user("hi")), true)).isEqualTo(
                "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n");
        assertThat(ChatTemplate.QWEN2_INSTRUCT.stopIds(qwen)).containsExactly(qwen.id("<|im_end|>"), qwen.id("<|endoftext|>"));
    }

    @Test
    void llava15Template() {
        String prompt = ChatTemplate.LLAVA_1_5.render(List.of(new ChatMessage("user", 1, 0, "What is the dog?")), true);
        assertThat(prompt).isEqualTo("USER: <image>\nWhat is the dog? ASSISTANT:");
        String turns = ChatTemplate.LLAVA_1_5.render(List.of(new ChatMessage("system", 0, 0, "Be brief."),
                ChatMessage.user("Hi"), new ChatMessage("assistant", 0, 0, "Hello"), ChatMessage.user("Bye")), true);
        assertThat(turns).isEqualTo("Be brief. USER: Hi ASSISTANT: Hello USER: Bye ASSISTANT:");
        int[] ids = llama.encode(prompt, true);
        assertThat(ids[0]).isEqualTo(1);
        assertThat(Arrays.stream(ids).filter(i -> i == llama.id("<image>")).count()).isEqualTo(1);
        assertThat(ChatTemplate.LLAVA_1_5.stopIds(llama)).containsExactly(2);
        assertThat(ChatTemplate.forModelType("llava")).isEqualTo(ChatTemplate.LLAVA_1_5);
    }
}
