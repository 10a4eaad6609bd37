package io.glimpse.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.glimpse.testkit.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static io.glimpse.cli.InProcess.glimpse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** {@code glimpse complete --byte-level} on glimpse-core's tiny Qwen2 (byte-level BPE) and Llama (SentencePiece BPE) checkpoints. */
class CompleteCommandTest {
    static final String QWEN = Fixtures.path("lm/qwen2").toString();
    static final String LLAMA = Fixtures.path("lm/llama").toString();
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void greedyCompletionFollowsTheMostProbableByteAndStreamsTheSameText() throws Exception {
        InProcess.Run json = glimpse("complete", "--model", QWEN, "--byte-level", "--max-bytes", "5", "--show-probs", "--top", "3",
                "--json", "What is th");
        assertThat(json.code()).as(json.err()).isZero();
        JsonNode root = JSON.readTree(json.out());
        assertThat(root.path("prompt").asText()).isEqualTo("What is th");
        java.io.ByteArrayOutputStream chosen = new java.io.ByteArrayOutputStream();
        for (JsonNode step : root.path("steps")) {
            JsonNode top = step.path("top");
            assertThat(top.size()).isBetween(1, 3);
            assertThat(step.path("code").asInt()).isEqualTo(top.path(0).path("code").asInt());
            for (int i = 1; i < top.size(); i++) {
                assertThat(top.path(i).path("p").asDouble()).isLessThanOrEqualTo(top.path(i - 1).path("p").asDouble());
            }
            if (step.path("code").asInt() < 256) {
                chosen.write(step.path("code").asInt());
            }
        }
        String completion = root.path("completion").asText();
        assertThat(root.path("bytes").asInt()).isEqualTo(chosen.size());
        assertThat(completion).isEqualTo(chosen.toString(StandardCharsets.UTF_8));
        InProcess.Run text = glimpse("complete", "--model", QWEN, "--byte-level", "--max-bytes", "5", "What is th");
        assertThat(text.code()).as(text.err()).isZero();
        assertThat(text.out()).isEqualTo(completion + System.lineSeparator());
    }

    @Test
    void aGgufModelCompletesAsTheCheckpointItWasConvertedFrom() {
        String gguf = Fixtures.path("gguf/qwen2-f32.gguf").toString();
        InProcess.Run fromGguf = glimpse("complete", "--model", gguf, "--byte-level", "--max-bytes", "8", "--json", "What is th");
        InProcess.Run fromDir = glimpse("complete", "--model", QWEN, "--byte-level", "--max-bytes", "8", "--json", "What is th");
        assertThat(fromGguf.code()).as(fromGguf.err()).isZero();
        assertThat(fromGguf.out()).isEqualTo(fromDir.out());
    }

    @Test
    void anEnsembleAveragesTheMembersDistributions() throws Exception {
        Map<Integer, Double> qwen = firstStep(QWEN, null);
        Map<Integer, Double> llama = firstStep(LLAMA, null);
        Map<Integer, Double> both = firstStep(QWEN, LLAMA);
        assertThat(qwen).isNotEqualTo(llama);
        for (int s = 0; s <= 256; s++) {
            double mean = (qwen.getOrDefault(s, 0.0) + llama.getOrDefault(s, 0.0)) / 2;
            assertThat(both.getOrDefault(s, 0.0)).as("symbol %d", s).isCloseTo(mean, within(1e-9));
        }
    }

    private static Map<Integer, Double> firstStep(String model, String other) throws Exception {
        InProcess.Run r = other == null
                ? glimpse("complete", "--model", model, "--byte-level", "--max-bytes", "1", "--show-probs", "--top", "257", "--json", "the ca")
                : glimpse("complete", "--model", model, "--ensemble", other, "--byte-level", "--max-bytes", "1", "--show-probs", "--top",
                "257", "--json", "the ca");
        assertThat(r.code()).as(r.err()).isZero();
        Map<Integer, Double> p = new HashMap<>();
        double sum = 0;
        for (JsonNode c : JSON.readTree(r.out()).path("steps").path(0).path("top")) {
            p.put(c.path("code").asInt(), c.path("p").asDouble());
            sum += c.path("p").asDouble();
        }
        assertThat(sum).isCloseTo(1.0, within(1e-9));
        return p;
    }

    @Test
    void showProbsPrintsALinePerStepThenTheCompletion() {
        InProcess.Run r = glimpse("complete", "--model", LLAMA, "--byte-level", "--max-bytes", "2", "--show-probs", "--top", "2", "the d");
        assertThat(r.code()).as(r.err()).isZero();
        String[] lines = r.out().split("\\R");
        assertThat(lines).hasSize(3);
        assertThat(lines[0]).matches("'.+' +0\\.\\d{4}  '.+' +0\\.\\d{4}  -> '.+'");
        assertThat(lines[2]).startsWith("completion: ");
    }

    @Test
    void aPromptCutInsideACharacterIsBadInput() throws Exception {
        Path cut = dir.resolve("cut.txt");
        Files.write(cut, new byte[] {'c', 'a', 'f', (byte) 0xC3});
        InProcess.Run r = glimpse("complete", "--model", QWEN, "--byte-level", "--prompt-file", cut.toString());
        assertThat(r.code()).isEqualTo(GlimpseCli.BAD_INPUT);
        assertThat(r.err().strip()).isEqualTo("glimpse: prompt: ends inside a UTF-8 character (byte 3 of 4 starts it); give whole characters");
        Files.write(cut, new byte[] {'c', (byte) 0xFF, 'f'});
        InProcess.Run bad = glimpse("complete", "--model", QWEN, "--byte-level", "--prompt-file", cut.toString());
        assertThat(bad.code()).isEqualTo(GlimpseCli.BAD_INPUT);
        assertThat(bad.err()).contains("prompt: not valid UTF-8 (byte 1)");
    }

    @Test
    void aModelWithoutTokenizerJsonAndBadOptionsAreRefused() throws Exception {
        Files.writeString(dir.resolve("config.json"), "{}");
        InProcess.Run r = glimpse("complete", "--model", dir.toString(), "--byte-level", "hi");
        assertThat(r.code()).isEqualTo(GlimpseCli.BAD_INPUT);
        assertThat(r.err()).contains("no tokenizer.json");
        assertThat(glimpse("complete", "--model", QWEN, "--byte-level", "--top", "0", "hi").code()).isEqualTo(GlimpseCli.USAGE);
        assertThat(glimpse("complete", "--model", QWEN, "--byte-level", "--top-p", "0", "hi").code()).isEqualTo(GlimpseCli.USAGE);
        assertThat(glimpse("complete", "--model", QWEN, "hi").code()).isEqualTo(GlimpseCli.USAGE);
    }
}
