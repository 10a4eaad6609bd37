package io.glimpse.cli;

import io.glimpse.io.SafeTensors;
import io.glimpse.llava.LlavaModel;
import io.glimpse.lm.TextTokenizer;
import io.glimpse.media.SyntheticVideo;
import io.glimpse.testkit.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.glimpse.cli.InProcess.glimpse;
import static org.assertj.core.api.Assertions.assertThat;

/** The ask command on the tiny LLaVA-1.5 checkpoint of glimpse-core's fixtures (goldens from PyTorch). */
class AskCommandTest {
    static final Path FIXTURES = Fixtures.path("");
    static final Path MODEL = FIXTURES.resolve("llava/llava15");
    static final String IMAGE = FIXTURES.resolve("vision/landscape.png").toString();
    static final Path ONEVISION = FIXTURES.resolve("llava/onevision");

    @TempDir
    Path dir;

    @Test
    void greedyAnswerIsTheGoldenContinuationsText() throws Exception {
        int[] greedy = SafeTensors.read(MODEL.resolve("golden.safetensors")).tensors().get("prompt.greedy").toInts();
        String expected;
        try (TextTokenizer tok = TextTokenizer.load(MODEL)) {
            expected = tok.decode(greedy, true);
        }
        InProcess.Run r = glimpse("ask", "--model", MODEL.toString(), "--image", IMAGE, "--max-tokens", "8", "What is this?");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo(expected + System.lineSeparator());
    }

    @Test
    void ggufModelAndMmprojGiveTheSameGreedyAnswer() throws Exception {
        Path gguf = FIXTURES.resolve("gguf");
        InProcess.Run st = glimpse("ask", "--model", MODEL.toString(), "--image", IMAGE, "--max-tokens", "8", "What is this?");
        InProcess.Run r = glimpse("ask", "--model", gguf.resolve("llava15-lm-f32.gguf").toString(), "--mmproj",
                gguf.resolve("llava15-mmproj-f32.gguf").toString(), "--image", IMAGE, "--max-tokens", "8", "What is this?");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo(st.out());
        InProcess.Run noMmproj = glimpse("ask", "--model", gguf.resolve("llava15-lm-f32.gguf").toString(), "--image", IMAGE,
                "q");
        assertThat(noMmproj.code()).isEqualTo(GlimpseCli.USAGE);
        assertThat(noMmproj.err()).contains("add --mmproj");
        InProcess.Run swapped = glimpse("ask", "--model", gguf.resolve("llava15-mmproj-f32.gguf").toString(), "--mmproj",
                gguf.resolve("llava15-lm-f32.gguf").toString(), "--image", IMAGE, "q");
        assertThat(swapped.code()).isEqualTo(GlimpseCli.BAD_INPUT);
        assertThat(swapped.err().strip()).doesNotContain("\n").contains("llava15-lm-f32.gguf").contains("general.architecture");
    }

    @Test
    void oneVisionImageIsTiledLikeTheReference() throws Exception {
        Path ov = FIXTURES.resolve("llava/onevision");
        int[] greedy = SafeTensors.read(ov.resolve("image_golden.safetensors")).tensors().get("prompt.greedy").toInts();
        String expected;
        try (TextTokenizer tok = TextTokenizer.load(ov)) {
            expected = tok.decode(greedy, true);
        }
        InProcess.Run r = glimpse("ask", "--model", ov.toString(), "--image", FIXTURES.resolve("llava/wide.png").toString(),
                "--max-tokens", "8", "--stats", "What is this?");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo(expected + System.lineSeparator());
        // 7 crops of 7×7 patches; 49 base rows + an 8×17 map + 8 newlines.
        assertThat(r.err()).contains("visual tokens: 343 from the encoder").contains("visual rows to the decoder: 193");
    }

    @Test
    void statsReportTheReductionStagesAndTimings() {
        InProcess.Run r = glimpse("ask", "--model", MODEL.toString(), "--image", IMAGE, "--reduce", "kcenter:k=5",
                "--max-tokens", "3", "--stats", "What is this?");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("visual tokens: 16 from the encoder").containsPattern("kcenter\\S*\\s+16 ->\\s+5 tokens")
                .contains("visual rows to the decoder: 5").contains("time to first token").contains("decode: 3 tokens");
    }

    @Test
    void weightsConvertOnLoadAndBadWeightsOrThreadsAreExitTwo() {
        InProcess.Run bf16 = glimpse("ask", "--model", MODEL.toString(), "--image", IMAGE, "--weights", "bf16",
                "--threads", "1", "--max-tokens", "4", "q");
        InProcess.Run q40 = glimpse("ask", "--model", MODEL.toString(), "--image", IMAGE, "--weights", "q4_0",
                "--max-tokens", "4", "q");
        assertThat(bf16.code()).as(bf16.err()).isZero();
        assertThat(q40.code()).as(q40.err()).isZero();
        InProcess.Run bad = glimpse("ask", "--model", MODEL.toString(), "--image", IMAGE, "--weights", "q3_x", "q");
        assertThat(bad.code()).isEqualTo(GlimpseCli.BAD_INPUT);
        assertThat(bad.err()).contains("--weights 'q3_x'");
        InProcess.Run kQuant = glimpse("ask", "--model", MODEL.toString(), "--image", IMAGE, "--weights", "q4_k", "q");
        assertThat(kQuant.code()).isEqualTo(GlimpseCli.BAD_INPUT);
        assertThat(kQuant.err()).contains("does not quantize to it").doesNotContain("\tat ");
        assertThat(glimpse("ask", "--model", MODEL.toString(), "--image", IMAGE, "--threads", "0", "q").code())
                .isEqualTo(GlimpseCli.BAD_INPUT);
    }

    @Test
    void videoInputGoesThroughTheOneVisionPoolingAndNewline() throws Exception {
        InProcess.Run r = glimpse("ask", "--model", FIXTURES.resolve("llava/onevision").toString(), "--video", plannedVideo().toString(),
                "--frames", "1", "--max-tokens", "2", "--stats", "What happens?");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("visual tokens: 49 from the encoder").contains("visual rows to the decoder: 17");
    }

    @Test
    void fastVInsideTheDecoderShowsInTheStats() {
        InProcess.Run r = glimpse("ask", "--model", MODEL.toString(), "--image", IMAGE, "--llm-prune", "fastv",
                "--max-tokens", "2", "--stats", "What is this?");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("visual rows to the decoder: 16").contains("8 at its last layer");
        assertThat(glimpse("ask", "--model", MODEL.toString(), "--image", IMAGE, "--llm-prune", "nope", "q").code())
                .isEqualTo(GlimpseCli.USAGE);
    }

    @Test
    void speculativeDecodingPrintsThePlainAnswerAndCountsAcceptedTokens() {
        String[] ask = {"ask", "--model", MODEL.toString(), "--image", IMAGE, "--max-tokens", "24", "Repeat: a b c a b c a b c"};
        InProcess.Run plain = glimpse(ask);
        InProcess.Run fast = glimpse(concat(ask, "--speculate", "recycling", "--stats"));
        assertThat(fast.code()).as(fast.err()).isZero();
        assertThat(fast.out()).isEqualTo(plain.out());
        assertThat(fast.err()).containsPattern("speculation: \\d+ verification forwards, \\d+\\.\\d\\d tokens accepted per forward");
        InProcess.Run unknown = glimpse(concat(ask, "--speculate", "medusa"));
        assertThat(unknown.code()).isEqualTo(GlimpseCli.BAD_INPUT);
        assertThat(unknown.err().strip()).doesNotContain("\n")
                .contains("--speculate: unknown speculation mode 'medusa'; valid modes: none, recycling, recycling-compact");
        InProcess.Run compact = glimpse(concat(ask, "--speculate", "recycling-compact", "--stats"));
        assertThat(compact.code()).as(compact.err()).isZero();
        assertThat(compact.out()).isEqualTo(plain.out());
        InProcess.Run sampled = glimpse(concat(ask, "--speculate", "recycling", "--temperature", "0.7", "--seed", "3"));
        assertThat(sampled.code()).as(sampled.err()).isZero();
    }

    @Test
    void anF16CacheGivesTheSameAnswerInHalfTheBytesPerToken() {
        String[] ask = {"ask", "--model", MODEL.toString(), "--image", IMAGE, "--max-tokens", "12", "--stats", "What is this?"};
        InProcess.Run full = glimpse(ask);
        InProcess.Run half = glimpse(concat(ask, "--kv", "f16"));
        assertThat(half.code()).as(half.err()).isZero();
        assertThat(half.out()).isEqualTo(full.out());
        java.util.regex.Pattern perToken = java.util.regex.Pattern.compile("kv cache: (\\d+) bytes per token");
        java.util.regex.Matcher a = perToken.matcher(full.err());
        java.util.regex.Matcher b = perToken.matcher(half.err());
        assertThat(a.find()).as(full.err()).isTrue();
        assertThat(b.find()).as(half.err()).isTrue();
        assertThat(Long.parseLong(b.group(1)) * 2).isEqualTo(Long.parseLong(a.group(1)));
        InProcess.Run bad = glimpse(concat(ask, "--kv", "q8"));
        assertThat(bad.code()).isEqualTo(GlimpseCli.USAGE);
        assertThat(bad.err()).contains("--kv must be f32 or f16, got 'q8'");
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void aBudgetOnAVideoPlansTheFramesAndTheStatsListThem() throws Exception {
        Path video = plannedVideo();
        // The plan prices frames in the checkpoint's own rows: the fixture's 56-px tower gives 7x7 = 49 tokens a frame,
        // pooled to 4x4 rows, so 40 buys two; the decoder then gets their 32 rows and the newline.
        InProcess.Run r = glimpse("ask", "--model", ONEVISION.toString(), "--video", video.toString(), "--budget", "40",
                "--method", "uniform", "--max-tokens", "2", "--stats", "What happens?");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("plan: 2 of 6 candidate frames, 32 of 40 llava-onevision tokens")
                .containsPattern("frame at +\\d+\\.\\d+ s  scene \\d+  clip -?\\d+  56x31  16 tokens")
                .contains("visual tokens: 98 from the encoder").contains("visual rows to the decoder: 33");
        assertThat(r.err().lines().filter(l -> l.startsWith("  frame at"))).hasSize(2);

        // three held pictures, one per 2-second scene (a still camera): dedup leaves one frame of each
        Path still = new SyntheticVideo(SyntheticVideo.Spec.hardCuts(640, 360, 10, 3, 2.0, 5))
                .writeAt(dir.resolve("still-scenes.mp4"), "mp4", 0, 2.0, 4.0, 5.9);
        InProcess.Run dedup = glimpse("ask", "--model", ONEVISION.toString(), "--video", still.toString(), "--budget",
                "2000", "--method", "uniform", "--dedup", "--max-tokens", "1", "--stats", "What happens?");
        assertThat(dedup.code()).as(dedup.err()).isZero();
        assertThat(dedup.err()).contains("plan: 3 of 6 candidate frames, 48 of 2000 llava-onevision tokens")
                .contains("visual rows to the decoder: 49");

        InProcess.Run more = glimpse("ask", "--model", ONEVISION.toString(), "--video", video.toString(), "--plan",
                "--budget", "64", "--fps", "2", "--reduce", "kcenter:k=20", "--max-tokens", "2", "--stats", "What happens?");
        assertThat(more.code()).as(more.err()).isZero();
        assertThat(more.err()).containsPattern("plan: 4 of 1[12] candidate frames, 64 of 64 llava-onevision tokens")
                .contains("visual rows to the decoder: 21 (65 without reduction")
                .contains("visual tokens: 196 from the encoder").contains("visual rows to the decoder: 21");
    }

    /** The decoder rows OneVision gives the test image as an image alone (anyres). */
    private static int imageRows() throws Exception {
        java.awt.image.BufferedImage picture = javax.imageio.ImageIO.read(Path.of(IMAGE).toFile());
        try (LlavaModel model = LlavaModel.load(ONEVISION)) {
            return model.imageTokens(picture.getWidth(), picture.getHeight(), 1);
        }
    }

    /** A still planned for OneVision is priced and sent as an image alone: the plan's cost is the rows it then gets. */
    @Test
    void aBudgetOnAStillPricesItAsTheImageTheModelThenReceives() throws Exception {
        int rows = imageRows();
        InProcess.Run r = glimpse("ask", "--model", ONEVISION.toString(), "--video", IMAGE, "--budget", "100000",
                "--max-tokens", "1", "--stats", "What is it?");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("plan: 1 of 1 candidate frames, " + rows + " of 100000 llava-onevision tokens")
                .contains("visual rows to the decoder: " + rows);
    }

    /** Unplanned, a still given as a video is one image too: the rows an image gets, not a pooled frame's. */
    @Test
    void aStillGivenAsAVideoWithoutAPlanGoesAsAnImage() throws Exception {
        int rows = imageRows();
        InProcess.Run asVideo = glimpse("ask", "--model", ONEVISION.toString(), "--video", IMAGE, "--max-tokens", "3",
                "--stats", "What is it?");
        InProcess.Run asImage = glimpse("ask", "--model", ONEVISION.toString(), "--image", IMAGE, "--max-tokens", "3",
                "What is it?");
        assertThat(asVideo.code()).as(asVideo.err()).isZero();
        assertThat(asVideo.err()).contains("visual rows to the decoder: " + rows);
        assertThat(asVideo.out()).isEqualTo(asImage.out());
        assertThat(glimpse("ask", "--model", MODEL.toString(), "--video", IMAGE, "--max-tokens", "2", "q").code()).isZero();
    }

    @Test
    void planOptionsWithoutAPlanOrAVideoAreUsageErrors() throws Exception {
        Path video = plannedVideo();
        String m = ONEVISION.toString();
        assertThat(glimpse("ask", "--model", m, "--video", video.toString(), "--method", "scenes", "q").err()).contains("add --plan");
        assertThat(glimpse("ask", "--model", m, "--image", IMAGE, "--plan", "--budget", "400", "q").err()).contains("--video");
        assertThat(glimpse("ask", "--model", m, "--video", video.toString(), "--plan", "q").err()).contains("--budget");
        assertThat(glimpse("ask", "--model", m, "--video", video.toString(), "--budget", "400", "--frames", "3", "q").err())
                .contains("--frames and --plan");
        assertThat(glimpse("ask", "--model", m, "--video", video.toString(), "--budget", "400", "--query-aware", "q").err())
                .contains("--scorer");
        assertThat(glimpse("ask", "--model", m, "--image", IMAGE, "--budget", "4", "q").code()).isEqualTo(GlimpseCli.USAGE);
        InProcess.Run badMethod = glimpse("ask", "--model", m, "--video", video.toString(), "--budget", "400", "--method", "best", "q");
        assertThat(badMethod.code()).isNotZero();
        assertThat(badMethod.err()).contains("best");
    }

    @Test
    void queryAwarePlanningScoresFramesWithTheScorersTextTower() throws Exception {
        Path scorerDir = io.glimpse.job.QueryScorerTest.clipWithTokenizer(dir);
        InProcess.Run r = glimpse("ask", "--model", ONEVISION.toString(), "--video", plannedVideo().toString(), "--budget", "40",
                "--query-aware", "--scorer", scorerDir.toString(), "--max-tokens", "2", "--stats", "photo of mountains");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("plan: 2 of 6 candidate frames").contains("visual rows to the decoder: 33");
    }

    @Test
    void optInRotarySchemesRunOnAVideoAndRefuseInLlmPruning() throws Exception {
        String video = plannedVideo().toString();
        for (String scheme : new String[] {"vista", "tclava"}) {
            InProcess.Run r = glimpse("ask", "--model", ONEVISION.toString(), "--video", video, "--frames", "1",
                    "--positions", scheme, "--tc-gamma", "0.5", "--max-tokens", "2", "--stats", "What happens?");
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.err()).contains("visual rows to the decoder: 17");
            InProcess.Run pruned = glimpse("ask", "--model", ONEVISION.toString(), "--video", video, "--frames", "1",
                    "--positions", scheme, "--llm-prune", "fastv", "q");
            assertThat(pruned.code()).isEqualTo(GlimpseCli.USAGE);
            assertThat(pruned.err()).contains("do not combine");
        }
        assertThat(glimpse("ask", "--model", ONEVISION.toString(), "--video", video, "--positions", "mrope", "q").err())
                .contains("keep, recompact, vista or tclava");
    }

    private Path plannedVideo() throws Exception {
        Path file = dir.resolve("scenes.mp4");
        if (!java.nio.file.Files.exists(file)) {
            new SyntheticVideo(SyntheticVideo.Spec.hardCuts(640, 360, 10, 3, 2.0, 5)).write(file);
        }
        return file;
    }

    @Test
    void badModelFolderIsExitTwo() {
        InProcess.Run r = glimpse("ask", "--model", dir.toString(), "--image", IMAGE, "What is this?");
        assertThat(r.code()).isEqualTo(GlimpseCli.BAD_INPUT);
        assertThat(r.err()).contains("config.json");
    }

    @Test
    void videoForALlava15CheckpointIsExitTwo() throws Exception {
        InProcess.Run r = glimpse("ask", "--model", MODEL.toString(), "--video", plannedVideo().toString(), "--frames", "1", "q");
        assertThat(r.code()).isEqualTo(GlimpseCli.BAD_INPUT);
        assertThat(r.err()).contains("LLaVA-1.5 takes images, not videos");
    }

    @Test
    void imageAndVideoTogetherIsAUsageError() {
        InProcess.Run r = glimpse("ask", "--model", MODEL.toString(), "--image", IMAGE, "--video", IMAGE, "q");
        assertThat(r.code()).isEqualTo(GlimpseCli.USAGE);
    }
}
