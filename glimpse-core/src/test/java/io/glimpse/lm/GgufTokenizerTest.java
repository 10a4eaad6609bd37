package io.glimpse.lm;

import io.glimpse.io.BadInputException;
import io.glimpse.io.GgufFile;
import io.glimpse.io.GgufValue;
import io.glimpse.io.GgufWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The tokenizer rebuilt from a GGUF file written by llama.cpp's gguf-py from the qwen2 fixture's tokenizer.json encodes
 * and decodes as that tokenizer.json does.
 */
class GgufTokenizerTest {
    @TempDir
    Path dir;

    @Test
    void rebuildsTheTokenizerTheFileWasConvertedFrom() throws IOException {
        GgufFile g = GgufFile.read(Path.of("src/test/resources/fixtures/gguf/qwen2-q8_0.gguf"));
        try (TextTokenizer fromGguf = GgufTokenizer.load(g);
             TextTokenizer original = TextTokenizer.load(Path.of("src/test/resources/fixtures/lm/qwen2"))) {
            for (String text : List.of("<|im_start|>user\nWhat is the dog doing?<|im_end|>\n<|im_start|>assistant\n",
                    "the theater 1234 héllo\t\n  spaces", "<image><video> ok")) {
                int[] ids = original.encode(text, false);
                assertThat(fromGguf.encode(text, false)).as(text).isEqualTo(ids);
                assertThat(fromGguf.decode(ids, false)).isEqualTo(original.decode(ids, false));
            }
            assertThat(fromGguf.id("<|im_end|>")).isEqualTo(original.id("<|im_end|>"));
            assertThat(fromGguf.isSpecial(fromGguf.id("<|im_end|>"))).isTrue();
        }
        assertThat(ChatTemplate.recognize(g.string("tokenizer.chat_template"))).isEqualTo(ChatTemplate.LLAVA_ONEVISION);
    }

    @Test
    void unsupportedTokenizersAreBadInputNamingTheKey() throws IOException {
        Map<String, GgufValue> m = new LinkedHashMap<>();
        m.put("tokenizer.ggml.model", GgufValue.string("bert"));
        m.put("tokenizer.ggml.tokens", GgufValue.strings(List.of("a")));
        Path p = dir.resolve("t.gguf");
        GgufWriter.write(p, m, List.of());
        assertThatThrownBy(() -> GgufTokenizer.load(GgufFile.read(p))).isInstanceOf(BadInputException.class)
                .hasMessageContaining("tokenizer.ggml.model 'bert'");
        m.put("tokenizer.ggml.model", GgufValue.string("gpt2"));
        m.put("tokenizer.ggml.pre", GgufValue.string("deepseek-coder"));
        GgufWriter.write(p, m, List.of());
        assertThatThrownBy(() -> GgufTokenizer.load(GgufFile.read(p))).isInstanceOf(BadInputException.class)
                .hasMessageContaining("tokenizer.ggml.pre 'deepseek-coder'");
    }
}
