package io.glimpse.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.glimpse.media.SyntheticVideo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server's {@code glimpse} options give the answers {@code glimpse ask} gives with the options of the same names:
 * both run the same steps of a turn, so a reduction runs each stage at its site, a rotary scheme rotates the same
 * rows, and speculative decoding is lossless with its tables kept warm between requests.
 */
class ServeAskParityTest {
    static LiveServer llava;
    static LiveServer onevision;
    static Path video;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        llava = new LiveServer(LiveServer.LLAVA15, LiveServer.options(1, 8, 64, null, 64 << 20));
        onevision = new LiveServer(LiveServer.ONEVISION, LiveServer.options(1, 8, 64, null, 64 << 20));
        // The allowed fixtures folder holds no video, so the video goes as a data URL.
        video = new SyntheticVideo(new SyntheticVideo.Spec(160, 96, 5, List.of(1.0, 1.0),
                List.of(SyntheticVideo.TransitionKind.CUT), 0.5, 7)).write(dir.resolve("clip.mp4"));
    }

    @AfterAll
    static void stop() {
        llava.close();
        onevision.close();
    }

    private static ObjectNode request(String kind, String url, String question, int maxTokens, ObjectNode glimpse) {
        ObjectNode root = Json.MAPPER.createObjectNode().put("max_tokens", maxTokens);
        ArrayNode content = root.putArray("messages").addObject().put("role", "user").putArray("content");
        content.addObject().put("type", kind).putObject(kind).put("url", url);
        content.addObject().put("type", "text").put("text", question);
        root.set("glimpse", glimpse);
        return root;
    }

    private static JsonNode post(LiveServer s, ObjectNode body) throws Exception {
        var r = s.postJson("/v1/chat/completions", Json.write(body));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.MAPPER.readTree(r.body());
    }

    private static String answer(JsonNode completion) {
        return completion.at("/choices/0/message/content").asText().strip();
    }

    private static String videoUrl() throws Exception {
        return "data:video/mp4;base64," + java.util.Base64.getEncoder().encodeToString(java.nio.file.Files.readAllBytes(video));
    }

    private static String ask(String... args) {
        List<String> all = new ArrayList<>(List.of("ask"));
        all.addAll(List.of(args));
        return ServeOpenAiClientTest.ask(all.toArray(String[]::new));
    }

    @Test
    void aVideoReductionRunsEachStageAtItsSiteAsAskDoes() throws Exception {
        // kcenter acts on the pooled rows: run on the tower's tokens instead, it would keep other rows.
        ObjectNode g = Json.MAPPER.createObjectNode().put("frames", 2).put("reduce", "kcenter:k=12");
        JsonNode c = post(onevision, request("video_url", videoUrl(), "What happens?", 6, g));
        assertThat(answer(c)).isEqualTo(ask("--model", LiveServer.ONEVISION.toString(), "--video", video.toString(),
                "--frames", "2", "--reduce", "kcenter:k=12", "--max-tokens", "6", "What happens?"));
        assertThat(c.at("/usage/visual_tokens_after_reduction").asInt()).isEqualTo(13);
    }

    @Test
    void rotarySchemesAnswerAsAskDoes() throws Exception {
        ObjectNode tc = Json.MAPPER.createObjectNode().put("frames", 2).put("positions", "tclava").put("tc_gamma", 0.5);
        assertThat(answer(post(onevision, request("video_url", videoUrl(), "What happens?", 6, tc))))
                .isEqualTo(ask("--model", LiveServer.ONEVISION.toString(), "--video", video.toString(), "--frames", "2",
                        "--positions", "tclava", "--tc-gamma", "0.5", "--max-tokens", "6", "What happens?"));
        ObjectNode vista = Json.MAPPER.createObjectNode().put("positions", "vista");
        String image = LiveServer.IMAGE.toString();
        assertThat(answer(post(llava, request("image_url", image, "What is this?", 8, vista))))
                .isEqualTo(ask("--model", LiveServer.LLAVA15.toString(), "--image", image, "--positions", "vista",
                        "--max-tokens", "8", "What is this?"));
    }

    @Test
    void speculationIsLosslessAndKeepsItsTablesWarmUntilReset() throws Exception {
        llava.postJson("/v1/speculation/reset", "{}");
        String image = LiveServer.IMAGE.toString();
        ObjectNode plain = request("image_url", image, "Describe it.", 16, Json.MAPPER.createObjectNode());
        ObjectNode spec = request("image_url", image, "Describe it.", 16,
                Json.MAPPER.createObjectNode().put("speculate", "recycling"));
        String expected = answer(post(llava, plain));
        JsonNode cold = post(llava, spec);
        JsonNode warm = post(llava, spec);
        var reset = llava.postJson("/v1/speculation/reset", "{}");
        assertThat(reset.statusCode()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(reset.body()).get("tables_dropped").asInt()).isEqualTo(1);
        JsonNode again = post(llava, spec);

        assertThat(answer(cold)).isEqualTo(expected);
        assertThat(answer(warm)).isEqualTo(expected);
        int coldForwards = cold.at("/glimpse/verify_forwards").asInt();
        assertThat(coldForwards).isPositive();
        assertThat(warm.at("/glimpse/verify_forwards").asInt()).as("a table that saw this answer drafts it").isLessThan(coldForwards);
        assertThat(again.at("/glimpse/verify_forwards").asInt()).as("reset: cold again").isEqualTo(coldForwards);
        assertThat(post(llava, plain).at("/glimpse/verify_forwards").asInt()).isZero();
        JsonNode compact = post(llava, request("image_url", image, "Describe it.", 16,
                Json.MAPPER.createObjectNode().put("speculate", "recycling-compact")));
        assertThat(answer(compact)).isEqualTo(expected);
        assertThat(compact.at("/glimpse/verify_forwards").asInt()).isPositive();
    }

    /**
     * A still sent as a video_url part goes to the model as one image, as {@code ask} sends a planned still: the answer
     * and visual rows of the same file as an image_url part (a one-frame video would be pooled to fewer rows, and
     * LLaVA-1.5 refuses videos), planned or not.
     */
    @Test
    void aStillSentAsAVideoGoesToTheModelAsOneImageAsAskSendsIt() throws Exception {
        String image = LiveServer.IMAGE.toString();
        ObjectNode none = Json.MAPPER.createObjectNode();
        JsonNode asImage = post(onevision, request("image_url", image, "What is this?", 6, none));
        JsonNode still = post(onevision, request("video_url", image, "What is this?", 6, none));
        ObjectNode planned = Json.MAPPER.createObjectNode().put("plan", true).put("budget", 4096);
        JsonNode plannedStill = post(onevision, request("video_url", image, "What is this?", 6, planned));

        int rows = asImage.at("/usage/visual_tokens_after_reduction").asInt();
        assertThat(still.at("/usage/visual_tokens_after_reduction").asInt()).isEqualTo(rows);
        assertThat(plannedStill.at("/usage/visual_tokens_after_reduction").asInt()).isEqualTo(rows);
        assertThat(answer(still)).isEqualTo(answer(asImage));
        assertThat(answer(plannedStill)).isEqualTo(answer(asImage)).isEqualTo(ask("--model", LiveServer.ONEVISION.toString(),
                "--video", image, "--plan", "--budget", "4096", "--max-tokens", "6", "What is this?"));
        assertThat(answer(post(llava, request("video_url", image, "What is this?", 6, none))))
                .isEqualTo(answer(post(llava, request("image_url", image, "What is this?", 6, none))));
    }

    @Test
    void queryAwarePlanningScoresFramesWithTheServersScorerAsAskDoes() throws Exception {
        Path scorer = io.glimpse.job.QueryScorerTest.clipWithTokenizer(dir);
        Path scenes = new SyntheticVideo(SyntheticVideo.Spec.hardCuts(640, 360, 10, 3, 2.0, 5)).write(dir.resolve("scenes.mp4"));
        String url = "data:video/mp4;base64," + java.util.Base64.getEncoder().encodeToString(java.nio.file.Files.readAllBytes(scenes));
        ObjectNode g = Json.MAPPER.createObjectNode().put("budget", 40).put("query_aware", true);
        try (LiveServer s = new LiveServer(LiveServer.ONEVISION, LiveServer.options(1, 1, 16, null, 0, scorer))) {
            JsonNode c = post(s, request("video_url", url, "photo of mountains", 4, g));
            assertThat(answer(c)).isEqualTo(ask("--model", LiveServer.ONEVISION.toString(), "--video", scenes.toString(),
                    "--budget", "40", "--query-aware", "--scorer", scorer.toString(), "--max-tokens", "4", "photo of mountains"));
            assertThat(c.at("/usage/visual_tokens_after_reduction").asInt()).isEqualTo(33);
        }
        var refused = onevision.postJson("/v1/chat/completions", Json.write(request("video_url", url, "q", 2, g)));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(Json.MAPPER.readTree(refused.body()).at("/error/param").asText()).isEqualTo("glimpse.query_aware");
    }

    @Test
    void aHalfPrecisionKvCacheAnswersAsAskWithKvF16() throws Exception {
        ServeOptions o = LiveServer.options(2, 1, 16, null, 8 << 20);
        ServeOptions half = new ServeOptions(o.host(), o.port(), o.allowDirs(), o.apiKey(), o.maxConcurrency(), o.queue(),
                o.maxBodyBytes(), o.maxFrames(), o.maxPixels(), o.maxVisualTokens(), o.maxTokens(), o.timeout(), o.defaults(),
                o.visualCacheBytes(), o.prefixCacheBytes(), o.engine(), io.glimpse.job.AskJob.Kv.F16, o.scorer());
        String image = LiveServer.IMAGE.toString();
        try (LiveServer s = new LiveServer(LiveServer.LLAVA15, half)) {
            assertThat(answer(post(s, request("image_url", image, "Describe it.", 12, Json.MAPPER.createObjectNode()))))
                    .isEqualTo(ask("--model", LiveServer.LLAVA15.toString(), "--image", image, "--kv", "f16",
                            "--max-tokens", "12", "Describe it."));
        }
    }
}
