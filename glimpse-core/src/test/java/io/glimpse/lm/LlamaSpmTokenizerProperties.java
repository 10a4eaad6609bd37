package io.glimpse.lm;

import io.glimpse.io.GgufFile;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SentencePiece GGUF tokenizer over arbitrary text: every id is inside the vocabulary, the tokens written in the
 * text come out as their ids, and byte fallback makes decoding give the text back.
 */
class LlamaSpmTokenizerProperties {
    private static final TextTokenizer TOKENIZER = load();
    private static final List<String> WRITTEN = List.of("<s>", "</s>", "<unk>", "<image>");

    private static TextTokenizer load() {
        try {
            return GgufTokenizer.load(GgufFile.read(Path.of("src/test/resources/fixtures/gguf/llama-spm.gguf")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Property(tries = 500)
    void anyTextEncodesInsideTheVocabularyAndDecodesBack(@ForAll @StringLength(max = 40) String text) {
        Assume.that(text.codePoints().noneMatch(c -> Character.isSurrogate((char) c) && c <= 0xFFFF));
        Assume.that(text.indexOf('\u2581') < 0 && WRITTEN.stream().noneMatch(text::contains));
        int[] ids = TOKENIZER.encode(text, false);
        assertThat(Arrays.stream(ids).allMatch(id -> id >= 0 && id < TOKENIZER.size())).as(Arrays.toString(ids)).isTrue();
        assertThat(TOKENIZER.decode(ids, false)).isEqualTo(text);
    }

    @Property(tries = 200)
    void writtenTokensComeOutAsTheirIds(@ForAll @StringLength(max = 12) String left, @ForAll @StringLength(max = 12) String right) {
        Assume.that(WRITTEN.stream().noneMatch(w -> (left + right).contains(w.substring(0, 2)) || (left + right).contains(">")));
        int[] ids = TOKENIZER.encode(left + "<image>" + right, true);
        int image = TOKENIZER.id("<image>");
        assertThat(ids[0]).isEqualTo(TOKENIZER.id("<s>"));
        assertThat(Arrays.stream(ids).filter(id -> id == image).count()).isEqualTo(1);
    }
}
