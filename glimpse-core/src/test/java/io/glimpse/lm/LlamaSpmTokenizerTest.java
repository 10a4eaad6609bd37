package io.glimpse.lm;

import com.fasterxml.jackson.databind.JsonNode;
import io.glimpse.io.BadInputException;
import io.glimpse.io.GgufFile;
import io.glimpse.io.GgufValue;
import io.glimpse.io.GgufWriter;
import io.glimpse.io.JsonFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A tiny SentencePiece BPE vocabulary trained with Llama's settings (fixtures/gguf/make_spm_fixtures.py), as its .model
 * file and as the vocab-only GGUF llama.cpp's converter writes: the sentencepiece library's own ids for plain text
 * (merges by score, byte fallback for CJK and emoji, runs of spaces, tabs, newlines, digits one by one), and llama.cpp's
 * splitting at special and user-defined tokens ({@code <image>}, {@code <s>}) with BOS.
 */
class LlamaSpmTokenizerTest {
    private static final Path DIR = Path.of("src/test/resources/fixtures/gguf");

    @TempDir
    Path tmp;

    private static JsonNode golden() throws IOException {
        return JsonFiles.readObject(DIR.resolve("spm-golden.json"));
    }

    private static int[] ints(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).mapToInt(JsonNode::asInt).toArray();
    }

    @Test
    void bpeModelFileEncodesAsTheReferenceLibrary() throws IOException {
        SentencePieceModel model = SentencePieceModel.read(DIR.resolve("spm-bpe.model"));
        int checked = 0;
        for (JsonNode c : golden().path("cases")) {
            if (c.path("sentencepiece").isNull()) {
                continue;
            }
            String text = c.path("text").asText();
            int[] ids = model.encode(text);
            assertThat(ids).as(text).containsExactly(ints(c.path("sentencepiece")));
            assertThat(model.decode(ids)).as(text).isEqualTo(c.path("decoded").asText());
            checked++;
        }
        assertThat(checked).isGreaterThan(10);
    }

    @Test
    void ggufVocabularyTokenizesAsLlamaCpp() throws IOException {
        JsonNode g = golden();
        try (TextTokenizer tok = GgufTokenizer.load(GgufFile.read(DIR.resolve("llama-spm.gguf")))) {
            assertThat(tok.size()).isEqualTo(g.path("pieces").asInt() + 1);
            assertThat(tok.id("<image>")).isEqualTo(g.path("image").asInt());
            for (JsonNode c : g.path("cases")) {
                String text = c.path("text").asText();
                assertThat(tok.encode(text, false)).as(text).containsExactly(ints(c.path("llama")));
                assertThat(tok.encode(text, true)).as(text).containsExactly(ints(c.path("llama_bos")));
            }
            assertThat(tok.decode(tok.encode("  two spaces, 東京 and 🐈", true), true)).isEqualTo("  two spaces, 東京 and 🐈");
            // the text after a token written in it is encoded with a space in front, which decoding keeps (llama.cpp's rule)
            assertThat(tok.decode(tok.encode("USER: <image>\nWhat?", true), true)).isEqualTo("USER: <image> \nWhat?");
            assertThat(tok.isSpecial(tok.id("<s>"))).isTrue();
            assertThat(tok.isSpecial(tok.id("<image>"))).isFalse();
        }
    }

    @Test
    void theChatTemplateOfTheVocabularyIsRecognised() throws IOException {
        GgufFile g = GgufFile.read(DIR.resolve("llama-spm.gguf"));
        assertThat(ChatTemplate.recognize(g.string("tokenizer.chat_template"))).isEqualTo(ChatTemplate.LLAVA_1_5);
    }

    @Test
    void mismatchedScoresOrTypesAreBadInputNamingTheFile() throws IOException {
        GgufFile g = GgufFile.read(DIR.resolve("llama-spm.gguf"));
        for (String key : List.of("tokenizer.ggml.scores", "tokenizer.ggml.token_type")) {
            Map<String, GgufValue> meta = new LinkedHashMap<>(g.metadata());
            meta.put(key, GgufValue.i32s(new int[] {1, 1}));
            Path bad = tmp.resolve(key + ".gguf");
            GgufWriter.write(bad, meta, List.of());
            assertThatThrownBy(() -> GgufTokenizer.load(GgufFile.read(bad))).isInstanceOf(BadInputException.class)
                    .hasMessageStartingWith(bad.toString()).hasMessageContaining("entries for 401 tokens");
        }
        Map<String, GgufValue> meta = new LinkedHashMap<>(g.metadata());
        meta.put("tokenizer.ggml.token_type", GgufValue.i32s(new int[401]));
        Path bad = tmp.resolve("types.gguf");
        GgufWriter.write(bad, meta, List.of());
        assertThatThrownBy(() -> GgufTokenizer.load(GgufFile.read(bad))).isInstanceOf(BadInputException.class)
                .hasMessageStartingWith(bad.toString()).hasMessageContaining("token 0 has type 0");
    }
}
