package io.glimpse.lm.bytes;

import io.glimpse.io.BadInputException;
import io.glimpse.lm.DecoderModel;
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
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ByteModelTest {
    /** Both fixture checkpoints: byte-level BPE (Qwen2) and SentencePiece BPE with a dummy prefix (Llama). */
    record Lm(DecoderModel model, TextTokenizer tokenizer, TokenBytes vocab, BruteForce brute) {
        ByteModel open(String prompt, int room) {
            return ByteModel.open(model, vocab, prompt.getBytes(StandardCharsets.UTF_8), room);
        }
    }

    static Lm qwen;
    static Lm llama;

    @BeforeAll
    static void load() throws IOException {
        qwen = lm("lm/qwen2", "<|endoftext|>", false);
        llama = lm("lm/llama", "<s>", true);
    }

    @AfterAll
    static void close() {
        qwen.tokenizer.close();
        llama.tokenizer.close();
    }

    static Lm lm(String fixture, String start, boolean dummy) throws IOException {
        Path dir = Fixtures.path(fixture);
        TextTokenizer tok = TextTokenizer.load(dir);
        TokenBytes vocab = TokenBytes.read(dir.resolve("tokenizer.json"), tok);
        DecoderModel model = DecoderModel.load(dir);
        return new Lm(model, tok, vocab, new BruteForce(model, tok, vocab, new int[] {tok.id(start)}, dummy));
    }

    static List<Lm> both() {
        return List.of(qwen, llama);
    }

    @ParameterizedTest
    @ValueSource(strings = {"What is th", "the dog", "a cat jumps", "hat", "W", " the", "the  dog", "is 12", "ok, wh", "jumps\n",
            "What is the dog sh", "a cat, a hat. wh"})
    void probabilityOfBytesIsTheSumOverAllCanonicalTokenizations(String text) {
        for (Lm lm : both()) {
            assertThat(lm.open(text, 0).logProbability()).as(text).isCloseTo(lm.brute.logP(text), within(2e-4));
        }
    }

    @Test
    void moreThanOneCoverCountsWhenThePromptEndsInsideAToken() {
        assertThat(qwen.brute.covers("What is th")).hasSizeGreaterThan(1);
        assertThat(qwen.open("What is th", 0).covers()).isEqualTo(qwen.brute.covers("What is th").size());
        assertThat(llama.open("the d", 0).covers()).isEqualTo(llama.brute.covers("the d").size());
    }

    @Test
    void nextByteDistributionSumsToOneAndFollowsTheBytesProbabilities() {
        for (Lm lm : both()) {
            String x = "the d";
            double[] p = lm.open(x, 1).next();
            assertThat(p).hasSize(ByteModel.SYMBOLS);
            assertThat(Arrays.stream(p).sum()).isCloseTo(1.0, within(1e-12));
            assertThat(Arrays.stream(p).min().orElseThrow()).isGreaterThanOrEqualTo(0);
            double reference = lm.brute.logP(x + "o");
            for (String b : List.of("a", "h", " ", "?", "x")) {
                double ratio = p[b.charAt(0)] / p['o'];
                assertThat(Math.log(ratio)).as(b).isCloseTo(lm.brute.logP(x + b) - reference, within(2e-4));
            }
        }
    }

    @Test
    void appendingBytesGivesTheProbabilityOfTheLongerText() {
        for (Lm lm : both()) {
            ByteModel m = lm.open("a c", 14);
            for (char c : "at is the do".toCharArray()) {
                m.append(c);
            }
            assertThat(m.logProbability()).isCloseTo(lm.brute.logP("a cat is the do"), within(2e-4));
        }
    }

    @Test
    void aPromptEndingInsideATokenContinuesAsTheTextWithThatTokenWhole() {
        for (Lm lm : both()) {
            ByteModel cut = lm.open("What is th", 1);
            cut.append('e');
            double[] whole = lm.open("What is the", 0).next();
            assertThat(cut.next()).containsExactly(whole, within(1e-6));
            assertThat(new String(cut.text(), StandardCharsets.UTF_8)).isEqualTo("What is the");
        }
    }

    @Test
    void insideACharacterOnlyContinuationBytesCanFollow() {
        for (Lm lm : both()) {
            ByteModel m = lm.open("caf", 2);
            double[] p = m.next();
            assertThat(p[0xC3]).isGreaterThan(0);
            m.append(0xC3);
            double[] inside = m.next();
            assertThat(Arrays.stream(inside).sum()).isCloseTo(1.0, within(1e-12));
            for (int b = 0; b < ByteModel.SYMBOLS; b++) {
                if (b < 0x80 || b > 0xBF) {
                    assertThat(inside[b]).as("symbol %d", b).isZero();
                }
            }
            m.append(0xA9);
            assertThat(new String(m.text(), StandardCharsets.UTF_8)).isEqualTo("café");
            assertThat(m.logProbability()).isCloseTo(lm.open("café", 0).logProbability(), within(2e-4));
        }
    }

    /**
     * A prompt is bytes: a special token spells none, so the spelling of one in the text is covered by ordinary
     * tokens, as any other text is, and is never zero-probability or the special token itself.
     */
    @Test
    void aSpecialTokensSpellingInThePromptIsReadAsItsBytes() {
        assertThat(qwen.tokenizer.encode("a<|im_end|>", false)).as("the tokenizer itself reads the special token")
                .contains(qwen.tokenizer.id("<|im_end|>"));
        ByteModel whole = qwen.open("a<|im_end|>", 1);
        assertThat(whole.logProbability()).isFinite();
        assertThat(Arrays.stream(whole.next()).sum()).isCloseTo(1.0, within(1e-12));
        ByteModel cut = qwen.open("a<|im_e", 4);
        for (char c : "nd|>".toCharArray()) {
            assertThat(cut.next()[c]).as("%s after %s", c, new String(cut.text(), StandardCharsets.UTF_8)).isGreaterThan(0);
            cut.append(c);
        }
        assertThat(cut.logProbability()).isCloseTo(whole.logProbability(), within(2e-4));
    }

    @Test
    void anEnsembleAveragesModelsWithDifferentVocabularies() {
        ByteEnsemble e = new ByteEnsemble(List.of(qwen.open("the ca", 1), llama.open("the ca", 1)));
        double[] a = qwen.open("the ca", 0).next();
        double[] b = llama.open("the ca", 0).next();
        assertThat(a).isNotEqualTo(b);
        double[] mean = new double[a.length];
        Arrays.setAll(mean, i -> (a[i] + b[i]) / 2);
        assertThat(e.next()).containsExactly(mean, within(1e-12));
        e.append('t');
        double[] a2 = qwen.open("the cat", 0).next();
        double[] b2 = llama.open("the cat", 0).next();
        double[] mean2 = new double[a.length];
        Arrays.setAll(mean2, i -> (a2[i] + b2[i]) / 2);
        assertThat(e.next()).containsExactly(mean2, within(1e-6));
    }

    @Test
    void aTextTheTokenizerNormalisesAwayHasProbabilityZero() {
        // Qwen2's tokenizer composes e + U+0301 into é (NFC), so no token sequence it produces spells the
        // decomposed bytes; Llama's has no normaliser and spells them with byte tokens.
        ByteModel q = qwen.open("cafe", 2);
        ByteModel l = llama.open("cafe", 2);
        ByteEnsemble e = new ByteEnsemble(List.of(qwen.open("cafe", 2), llama.open("cafe", 2)));
        q.append(0xCC);
        l.append(0xCC);
        e.append(0xCC);
        assertThat(q.next()[0x81]).isZero();
        assertThat(q.next()[0x90]).as("U+0310 does not compose with e").isGreaterThan(0);
        assertThat(l.next()[0x81]).isGreaterThan(0);
        q.append(0x81);
        l.append(0x81);
        e.append(0x81);
        assertThat(q.logProbability()).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(e.next()).as("the member that cannot spell the text drops out").containsExactly(l.next(), within(1e-12));
    }

    @Test
    void aPromptTooLongForTheContextIsBadInput() {
        assertThatThrownBy(() -> qwen.open("a".repeat(600), 0)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("context");
    }
}
