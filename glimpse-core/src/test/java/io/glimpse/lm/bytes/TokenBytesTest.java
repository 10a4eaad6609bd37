package io.glimpse.lm.bytes;

import io.glimpse.io.BadInputException;
import io.glimpse.lm.TextTokenizer;
import io.glimpse.testkit.Fixtures;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenBytesTest {
    @Test
    void byteLevelTokensSpellTheirBytesAndSpecialsSpellNone() throws Exception {
        Path dir = Fixtures.path("lm/qwen2");
        try (TextTokenizer tok = TextTokenizer.load(dir)) {
            TokenBytes v = TokenBytes.read(dir.resolve("tokenizer.json"), tok);
            assertThat(v.spelling()).isEqualTo(TokenBytes.Spelling.BYTE_LEVEL);
            assertThat(new String(v.bytes(tok.id("Ġthe")), StandardCharsets.UTF_8)).isEqualTo(" the");
            assertThat(v.bytes(tok.id("Ċ"))).containsExactly('\n');
            assertThat(v.bytes(tok.id("ÿ"))).containsExactly((byte) 0xFF);
            assertThat(v.bytes(tok.id("<|im_start|>"))).isNull();
            assertThat(v.start()).containsExactly(tok.id("<|endoftext|>"));
            assertThat(v.modelled(new byte[] {'a'})).containsExactly('a');
        }
    }

    @Test
    void sentencePieceTokensSpellSpacesAndByteFallbacks() throws Exception {
        Path dir = Fixtures.path("lm/llama");
        try (TextTokenizer tok = TextTokenizer.load(dir)) {
            TokenBytes v = TokenBytes.read(dir.resolve("tokenizer.json"), tok);
            assertThat(v.spelling()).isEqualTo(TokenBytes.Spelling.SENTENCEPIECE);
            assertThat(new String(v.bytes(tok.id("▁the")), StandardCharsets.UTF_8)).isEqualTo(" the");
            assertThat(v.bytes(tok.id("<0xC3>"))).containsExactly((byte) 0xC3);
            assertThat(v.bytes(tok.id("<s>"))).isNull();
            assertThat(v.start()).containsExactly(tok.id("<s>"));
            assertThat(v.endOfText()).isEqualTo(tok.id("</s>"));
            assertThat(v.modelled(new byte[] {'a'})).containsExactly(' ', 'a');
            assertThat(v.added(new byte[] {' '})).isEqualTo(1);
        }
    }

    @Test
    void aUnigramTokenizerIsBadInput() throws Exception {
        Path json = Fixtures.path("lm/spm/unigram.json");
        try (TextTokenizer tok = TextTokenizer.load(json)) {
            assertThatThrownBy(() -> TokenBytes.read(json, tok)).isInstanceOf(BadInputException.class)
                    .hasMessageContaining("unigram.json: byte-level probabilities need a BPE tokenizer");
        }
    }
}
