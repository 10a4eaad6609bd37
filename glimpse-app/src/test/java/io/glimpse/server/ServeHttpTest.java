package io.glimpse.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.glimpse.image.Png;
import io.glimpse.image.RgbImage;
import io.glimpse.media.SyntheticVideo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The routes without a model: health, models, metrics, planning, the key check, limits and error bodies. */
class ServeHttpTest {
    static LiveServer server;
    static LiveServer keyed;
    static Path video;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        server = new LiveServer(null, LiveServer.options(1, 0, 8, null, 0));
        keyed = new LiveServer(null, LiveServer.options(1, 0, 8, "s3cret", 0));
        video = new SyntheticVideo(new SyntheticVideo.Spec(160, 96, 5, List.of(2.0, 2.0, 2.0),
                List.of(SyntheticVideo.TransitionKind.CUT, SyntheticVideo.TransitionKind.CUT), 0.5, 3)).write(dir.resolve("scenes.mp4"));
    }

    @AfterAll
    static void stop() {
        server.close();
        keyed.close();
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return Json.MAPPER.readTree(r.body());
    }

    private static void assertError(HttpResponse<String> r, int status, String type) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        JsonNode e = json(r).get("error");
        assertThat(e.get("type").asText()).isEqualTo(type);
        assertThat(e.get("message").asText()).isNotBlank().doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(e.has("param")).isTrue();
        assertThat(e.has("code")).isTrue();
    }

    @Test
    void healthModelsAndMetricsAnswer() throws Exception {
        assertThat(json(server.get("/health")).get("status").asText()).isEqualTo("ok");
        assertThat(json(server.get("/v1/models")).get("data")).isEmpty();
        server.get("/v1/models");
        HttpResponse<String> m = server.get("/metrics");
        assertThat(m.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        assertThat(m.body()).contains("# TYPE glimpse_requests_total counter").contains("glimpse_queue_depth 0.0")
                .containsPattern("glimpse_requests_total\\{route=\"/v1/models\",status=\"200\"} [1-9]");
    }

    @Test
    void unknownRoutesAndAMissingModelAre404s() throws Exception {
        assertError(server.get("/v2/nothing"), 404, "invalid_request_error");
        assertError(server.postJson("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), 404,
                "invalid_request_error");
    }

    @Test
    void theApiKeyIsRequiredEverywhereButHealth() throws Exception {
        assertThat(keyed.get("/health").statusCode()).isEqualTo(200);
        assertError(keyed.get("/v1/models"), 401, "invalid_request_error");
        assertError(keyed.get("/v1/models", "Authorization", "Bearer s3cre"), 401, "invalid_request_error");
        assertError(keyed.get("/metrics", "Authorization", "Basic s3cret"), 401, "invalid_request_error");
        assertThat(keyed.get("/v1/models", "Authorization", "Bearer s3cret").statusCode()).isEqualTo(200);
    }

    @Test
    void aBodyOverTheLimitIs413AndMalformedJsonIs400() throws Exception {
        assertError(server.post("/v1/plan", "application/json", new byte[(16 << 20) + 1]), 413, "invalid_request_error");
        assertError(server.postJson("/v1/plan", "{\"budget\": 5,"), 400, "invalid_request_error");
        assertError(server.postJson("/v1/plan", "[1,2]"), 400, "invalid_request_error");
    }

    @Test
    void aPlanOfAnUploadedVideoReturnsItsFramesAsPngWithinTheBudget() throws Exception {
        String url = "data:video/mp4;base64," + Base64.getEncoder().encodeToString(Files.readAllBytes(video));
        HttpResponse<String> r = server.postJson("/v1/plan", "{\"video\":\"" + url + "\",\"budget\":700,\"target\":\"gpt-4o\","
                + "\"method\":\"scenes\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode plan = json(r);
        int total = plan.at("/plan/totalCost").asInt();
        assertThat(total).isPositive().isLessThanOrEqualTo(700);
        JsonNode frames = plan.get("frames");
        assertThat(frames.size()).isEqualTo(plan.at("/plan/frames").size()).isPositive();
        int sum = 0;
        for (JsonNode f : frames) {
            Path png = Files.write(dir.resolve("f" + sum + ".png"), Base64.getDecoder().decode(f.get("png_base64").asText()));
            RgbImage img = Png.read(png);
            assertThat(img.width()).isEqualTo(f.get("width").asInt());
            assertThat(img.height()).isEqualTo(f.get("height").asInt());
            sum += f.get("cost").asInt();
        }
        assertThat(sum).isEqualTo(total);

        HttpResponse<String> raw = server.post("/v1/plan?budget=700&target=gpt-4o&method=scenes&frames=false", "video/mp4",
                Files.readAllBytes(video));
        assertThat(raw.statusCode()).as(raw.body()).isEqualTo(200);
        assertThat(json(raw).get("plan")).isEqualTo(plan.get("plan"));
        assertThat(json(raw).has("frames")).isFalse();
    }

    /** A still inside the allowed folder plans to its one frame; the test's own video lies outside and is refused. */
    @Test
    void aPlanReadsAPathInsideTheAllowedFolderAndRefusesOneOutside() throws Exception {
        HttpResponse<String> r = server.postJson("/v1/plan", "{\"video\":\"" + LiveServer.IMAGE + "\",\"budget\":2000,"
                + "\"target\":\"gpt-4o\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        RgbImage still = Png.read(LiveServer.IMAGE);
        assertThat(json(r).at("/video/width").asInt()).isEqualTo(still.width());
        assertThat(json(r).get("frames")).hasSize(1);
        HttpResponse<String> outside = server.postJson("/v1/plan", "{\"video\":\"" + video + "\",\"budget\":700}");
        assertError(outside, 400, "invalid_request_error");
        assertThat(json(outside).at("/error/message").asText()).contains("outside the allowed directories");
    }

    @Test
    void planRefusesMissingOrBadFieldsByName() throws Exception {
        String url = "data:video/mp4;base64," + Base64.getEncoder().encodeToString(Files.readAllBytes(video));
        assertThat(json(server.postJson("/v1/plan", "{\"video\":\"" + url + "\"}")).at("/error/param").asText()).isEqualTo("budget");
        assertThat(json(server.postJson("/v1/plan", "{\"video\":\"" + url + "\",\"budget\":9,\"target\":\"nope\"}"))
                .at("/error/param").asText()).isEqualTo("target");
        assertThat(json(server.postJson("/v1/plan", "{\"video\":\"http://example.com/v.mp4\",\"budget\":9}"))
                .at("/error/message").asText()).contains("never fetches");
        assertThat(json(server.postJson("/v1/plan", "{\"video\":\"" + url.substring(0, url.length() / 2) + "\",\"budget\":9}"))
                .at("/error/param").asText()).isEqualTo("video");
    }

    /**
     * The media checks over HTTP, not only in MediaResolver: each way out of the allowed folder (the fixtures) is a
     * 400 naming the field, never a 500 and never a read of the file.
     */
    @Test
    void pathsAndUrlsLeadingOutOfTheAllowedFolderAreRefusedOverHttp() throws Exception {
        String inside = LiveServer.IMAGE.getParent().toString();
        String outside = "outside the allowed directories";
        for (String[] attempt : List.of(
                new String[] {inside + "/../../../../../../etc/passwd", outside},
                new String[] {"../../etc/passwd", outside},
                new String[] {"/etc/passwd", outside},
                new String[] {video.toString(), outside},
                new String[] {video.toUri().toString(), outside},
                new String[] {"file://" + inside + "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd", outside},
                new String[] {"file://elsewhere.example/etc/passwd", "must name this machine"},
                new String[] {"http://example.com/v.mp4", "never fetches"},
                new String[] {"https://example.com/v.mp4", "never fetches"})) {
            HttpResponse<String> r = server.postJson("/v1/plan", "{\"video\":\"" + attempt[0] + "\",\"budget\":700}");
            assertError(r, 400, "invalid_request_error");
            assertThat(json(r).at("/error/param").asText()).as(attempt[0]).isEqualTo("video");
            assertThat(json(r).at("/error/message").asText()).as(attempt[0]).contains(attempt[1]);
        }
    }
}
