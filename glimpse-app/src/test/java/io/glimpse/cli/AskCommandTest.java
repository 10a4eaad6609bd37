package io.glimpse.cli;

import io.glimpse.io.SafeTensors;
import io.glimpse.lm.TextTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.glimpse.cli.PlanCommandTest.glimpse;
import static org.assertj.core.api.Assertions.assertThat;

/** The ask command on the tiny LLaVA-1.5 checkpoint of glimpse-core's fixtures (goldens from PyTorch). */
class AskCommandTest {
    static final Path FIXTURES = Path.of("../glimpse-core/src/test/resources/fixtures").toAbsolutePath().normalize();
    static final Path MODEL = FIXTURES.resolve("llava/llava15");
    static final String IMAGE = FIXTURES.resolve("vision/landscape.png").toString();

    @TempDir
    Path dir;

    @Test
    void greedyAnswerIsTheGoldenContinuationsText() throws Exception {
        int[] greedy = SafeTensors.read(MODEL.resolve("golden.safetensors")).tensors().get("prompt.greedy").toInts();
        String expected;
        try (TextTokenizer tok = TextTokenizer.load(MODEL)) {
            expected = tok.decode(greedy, true);
        }
        PlanCommandTest.Run r = glimpse("ask", "--model", MODEL.toString(), "--image", IMAGE, "--max-tokens", "8", "What is this?");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo(expected + System.lineSeparator());
    }

    @Test
    void oneVisionImageIsTiledLikeTheReference() throws Exception {
        Path ov = FIXTURES.resolve("llava/onevision");
        int[] greedy = SafeTensors.read(ov.resolve("image_golden.safetensors")).tensors().get("prompt.greedy").toInts();
        String expected;
        try (TextTokenizer tok = TextTokenizer.load(ov)) {
            expected = tok.decode(greedy, true);
        }
        PlanCommandTest.Run r = glimpse("ask", "--model", ov.toString(), "--image", FIXTURES.resolve("llava/wide.png").toString(),
                "--max-tokens", "8", "--stats", "What is this?");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo(expected + System.lineSeparator());
        // 7 crops of 7×7 patches; 49 base rows + an 8×17 map + 8 newlines.
        assertThat(r.err()).contains("visual tokens: 343 from the encoder").contains("visual rows to the decoder: 193");
    }

    @Test
    void statsReportTheReductionStagesAndTimings() {
        PlanCommandTest.Run r = glimpse("ask", "--model", MODEL.toString(), "--image", IMAGE, "--reduce", "kcenter:k=5",
                "--max-tokens", "3", "--stats", "What is this?");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("visual tokens: 16 from the encoder").containsPattern("kcenter\\S*\\s+16 ->\\s+5 tokens")
                .contains("visual rows to the decoder: 5").contains("time to first token").contains("decode: 3 tokens");
    }

    @Test
    void videoInputGoesThroughTheOneVisionPoolingAndNewline() {
        PlanCommandTest.Run r = glimpse("ask", "--model", FIXTURES.resolve("llava/onevision").toString(), "--video", IMAGE,
                "--frames", "1", "--max-tokens", "2", "--stats", "What happens?");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("visual tokens: 49 from the encoder").contains("visual rows to the decoder: 17");
    }

    @Test
    void fastVInsideTheDecoderShowsInTheStats() {
        PlanCommandTest.Run r = glimpse("ask", "--model", MODEL.toString(), "--image", IMAGE, "--llm-prune", "fastv",
                "--max-tokens", "2", "--stats", "What is this?");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("visual rows to the decoder: 16").contains("8 at its last layer");
        assertThat(glimpse("ask", "--model", MODEL.toString(), "--image", IMAGE, "--llm-prune", "nope", "q").code())
                .isEqualTo(GlimpseCli.USAGE);
    }

    @Test
    void badModelFolderIsExitTwo() {
        PlanCommandTest.Run r = glimpse("ask", "--model", dir.toString(), "--image", IMAGE, "What is this?");
        assertThat(r.code()).isEqualTo(GlimpseCli.BAD_INPUT);
        assertThat(r.err()).contains("config.json");
    }

    @Test
    void videoForALlava15CheckpointIsExitTwo() {
        PlanCommandTest.Run r = glimpse("ask", "--model", MODEL.toString(), "--video", IMAGE, "--frames", "1", "q");
        assertThat(r.code()).isEqualTo(GlimpseCli.BAD_INPUT);
        assertThat(r.err()).contains("LLaVA-1.5 takes images, not videos");
    }

    @Test
    void imageAndVideoTogetherIsAUsageError() {
        PlanCommandTest.Run r = glimpse("ask", "--model", MODEL.toString(), "--image", IMAGE, "--video", IMAGE, "q");
        assertThat(r.code()).isEqualTo(GlimpseCli.USAGE);
    }
}
