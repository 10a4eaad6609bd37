package io.glimpse.lm.bytes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.glimpse.io.GgufFile;
import io.glimpse.lm.DecoderConfig;
import io.glimpse.lm.DecoderModel;
import io.glimpse.lm.GgufTokenizer;
import io.glimpse.lm.LmFixtures;
import io.glimpse.lm.TextTokenizer;
import io.glimpse.testkit.Fixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * One SentencePiece BPE vocabulary (fixtures/gguf/spm-bpe.model) from its two other sources: the Metaspace
 * tokenizer.json transformers writes for Llama-2-style tokenizers (fixtures/lm/metaspace) and the GGUF file llama.cpp
 * converts it to (fixtures/gguf/llama-spm.gguf). Both give sentencepiece's own ids, spell the same bytes, and read
 * a decoder byte by byte alike and as the brute-force sum over canonical tokenizations says.
 */
class SentencePieceSourcesTest {
    private static final Path METASPACE = Fixtures.path("lm/metaspace/tokenizer.json");
    private static final Path GGUF = Fixtures.path("gguf/llama-spm.gguf");

    static TextTokenizer hf;
    static TextTokenizer spm;
    static TokenBytes hfVocab;
    static TokenBytes ggufVocab;
    static DecoderModel decoder;

    @BeforeAll
    static void load() throws IOException {
        hf = TextTokenizer.load(METASPACE);
        hfVocab = TokenBytes.read(METASPACE, hf);
        GgufFile g = GgufFile.read(GGUF);
        spm = GgufTokenizer.load(g);
        ggufVocab = TokenBytes.of(GgufTokenizer.vocabulary(g), GGUF.toString(), spm);
        decoder = LmFixtures.randomDecoder(new DecoderConfig("llama", hfVocab.size(), 32, 48, 2, 4, 2, 8, 1e-5f, 10000, null,
                true, false, false, false, 512), 7);
    }

    @AfterAll
    static void close() {
        hf.close();
        spm.close();
    }

    /** The golden texts without tags: sentencepiece reads "<image>" as characters, both tokenizers as the added token. */
    static List<JsonNode> plainCases() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        new ObjectMapper().readTree(Fixtures.path("gguf/spm-golden.json").toFile()).path("cases").forEach(c -> {
            if (!c.path("text").asText().contains("<")) {
                out.add(c);
            }
        });
        return out;
    }

    @Test
    void theMetaspaceTokenizerJsonGivesSentencepiecesIds() throws IOException {
        List<JsonNode> cases = plainCases();
        assertThat(cases).hasSizeGreaterThan(10);
        int leadingSpace = 0;
        for (JsonNode c : cases) {
            String text = c.path("text").asText();
            int[] golden = ints(c.path("sentencepiece"));
            assertThat(spm.encode(text, false)).as(text).containsExactly(golden);
            if (text.startsWith(" ")) {
                // Metaspace adds no ▁ in front of a text that starts with one; sentencepiece always does.
                assertThat(golden[0]).isEqualTo(hf.id("\u2581"));
                assertThat(hf.encode(text, false)).as(text).containsExactly(java.util.Arrays.copyOfRange(golden, 1, golden.length));
                leadingSpace++;
            } else {
                assertThat(hf.encode(text, false)).as(text).containsExactly(golden);
            }
        }
        assertThat(leadingSpace).isGreaterThan(1);
        assertThat(hf.encode("a cat", true)[0]).isEqualTo(hf.id("<s>"));
    }

    @Test
    void bothSourcesSpellEveryTokenAlike() {
        for (TokenBytes v : List.of(hfVocab, ggufVocab)) {
            assertThat(v.spelling()).isEqualTo(TokenBytes.Spelling.SENTENCEPIECE);
            assertThat(v.modelled(new byte[] {'a'})).containsExactly(' ', 'a');
            assertThat(v.bytes(hf.id("<0x41>"))).containsExactly('A');
            assertThat(v.bytes(hf.id("<image>"))).isNull();
            assertThat(v.start()).containsExactly(hf.id("<s>"));
            assertThat(v.endOfText()).isEqualTo(hf.id("</s>"));
        }
        assertThat(ggufVocab.size()).isEqualTo(hfVocab.size());
        int spelled = 0;
        for (int id = 0; id < hfVocab.size(); id++) {
            assertThat(ggufVocab.bytes(id)).as("id %d", id).isEqualTo(hfVocab.bytes(id));
            spelled += hfVocab.bytes(id) == null ? 0 : 1;
        }
        assertThat(spelled).isGreaterThan(300);
        assertThat(new String(hfVocab.bytes(hf.id("\u2581dog")), StandardCharsets.UTF_8)).isEqualTo(" dog");
        assertThat(ggufVocab.tokensCrossSpaces()).isEqualTo(hfVocab.tokensCrossSpaces());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a photo of th", "the ca", "a  dog", "x", "cat, r"})
    void bytesAreReadAsTheBruteForceSumFromEitherSource(String text) {
        BruteForce brute = new BruteForce(decoder, hf, hfVocab, new int[] {hf.id("<s>")}, true);
        byte[] prompt = text.getBytes(StandardCharsets.UTF_8);
        ByteModel fromJson = ByteModel.open(decoder, hfVocab, prompt, 1);
        ByteModel fromGguf = ByteModel.open(decoder, ggufVocab, prompt, 1);
        assertThat(fromJson.logProbability()).isCloseTo(brute.logP(text), within(2e-4));
        assertThat(fromGguf.logProbability()).isCloseTo(fromJson.logProbability(), within(1e-9));
        assertThat(fromGguf.next()).containsExactly(fromJson.next(), within(1e-9));
    }

    @Test
    void aTextStartingWithASpaceIsModelledAsTheMetaspaceTokenizerEncodesIt() {
        assertThat(hfVocab.modelled(" a".getBytes(StandardCharsets.UTF_8))).containsExactly(' ', 'a');
        assertThat(ggufVocab.modelled(" a".getBytes(StandardCharsets.UTF_8))).containsExactly(' ', ' ', 'a');
        ByteModel spaced = ByteModel.open(decoder, hfVocab, " the ca".getBytes(StandardCharsets.UTF_8), 0);
        ByteModel plain = ByteModel.open(decoder, hfVocab, "the ca".getBytes(StandardCharsets.UTF_8), 0);
        assertThat(spaced.logProbability()).isCloseTo(plain.logProbability(), within(1e-12));
        assertThat(new String(spaced.text(), StandardCharsets.UTF_8)).isEqualTo(" the ca");
        assertThat(new String(plain.text(), StandardCharsets.UTF_8)).isEqualTo("the ca");
        ByteModel twoSpaces = ByteModel.open(decoder, hfVocab, "  the".getBytes(StandardCharsets.UTF_8), 0);
        assertThat(twoSpaces.logProbability()).isCloseTo(new BruteForce(decoder, hf, hfVocab, new int[] {hf.id("<s>")}, false)
                .logP("  the"), within(2e-4));
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }
}
