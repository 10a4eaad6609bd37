package io.glimpse.bench.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.glimpse.bench.fixture.ModelShapes;
import io.glimpse.bench.fixture.RandomCheckpoint;
import io.glimpse.media.SyntheticVideo;
import io.glimpse.job.AskJob;
import io.glimpse.server.GlimpseParams;
import io.glimpse.server.GlimpseServer;
import io.glimpse.server.ServeOptions;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * {@code glimpse bench serve}: time to first token of a follow-up question about a video against the first question's,
 * through a live server on loopback. The first answer encodes the frames and prefills everything; the follow-up (the
 * same video and first turn, then a new question) should find the video's tokens and the conversation's KV prefix
 * warm and prefill only its new rows. Reference in the same run: the first question.
 */
public final class ServeBench {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param frames video frames the model sees
     * @param tokens tokens each answer decodes
     */
    public record Options(ModelShapes.OneVision shape, boolean tiny, int frames, int tokens, long seed, Path cache) {
    }

    private ServeBench() {
    }

    public static void run(Options o, PrintWriter out, PrintWriter err) throws IOException, InterruptedException {
        err.printf(Locale.ROOT, "preparing the random checkpoint (seed %d) and a %d-second video under %s...%n", o.seed(),
                o.frames() + 1, o.cache());
        err.flush();
        Path model = RandomCheckpoint.oneVision(o.shape(), o.cache(), o.seed());
        Path video = o.cache().resolve("serve-" + (o.tiny() ? "tiny-" : "") + o.frames() + ".mp4");
        if (!Files.isRegularFile(video)) {
            new SyntheticVideo(SyntheticVideo.Spec.varied(o.tiny() ? 160 : 640, o.tiny() ? 90 : 360, 5, o.frames() + 1, 11))
                    .write(video);
        }
        ServeOptions options = new ServeOptions("127.0.0.1", 0, List.of(o.cache()), null, 1, 0, 1 << 20, o.frames(), 1 << 24,
                1 << 20, o.tokens(), Duration.ofHours(1), GlimpseParams.NONE, 1L << 30, 2L << 30, AskJob.Engine.parse(null, null), null);
        HttpClient http = HttpClient.newHttpClient();
        try (GlimpseServer server = GlimpseServer.open(model, options)) {
            String url = "http://127.0.0.1:" + server.port() + "/v1/chat/completions";
            String first = "Describe what happens in this video, scene by scene.";
            ArrayNode messages = JSON.createArrayNode();
            ObjectNode user = messages.addObject().put("role", "user");
            ArrayNode content = user.putArray("content");
            content.addObject().put("type", "video_url").putObject("video_url").put("url", video.toString());
            content.addObject().put("type", "text").put("text", first);
            JsonNode a = ask(http, url, messages, o);
            messages.addObject().put("role", "assistant").put("content", a.at("/choices/0/message/content").asText());
            messages.addObject().put("role", "user").put("content", "What colour dominates the last scene?");
            JsonNode b = ask(http, url, messages, o);
            double t1 = a.at("/glimpse/time_to_first_token_ms").asDouble();
            double t2 = b.at("/glimpse/time_to_first_token_ms").asDouble();
            out.printf(Locale.ROOT, "model: %s shape, random weights, vision tower %d layers, decoder %d layers; %d frames, "
                            + "%d visual rows to the decoder; %d tokens decoded per answer%n", o.shape().name(),
                    o.shape().tower().layers(), o.shape().decoder().layers(), o.frames(),
                    a.at("/usage/visual_tokens_after_reduction").asInt(), o.tokens());
            out.printf(Locale.ROOT, "%-26s %10s %12s %12s %12s%n", "question", "TTFT ms", "prompt rows", "cached rows", "visual hits");
            row(out, "first", a, t1);
            row(out, "follow-up (warm caches)", b, t2);
            out.printf(Locale.ROOT, "follow-up TTFT / first TTFT = %.4f (goal <= 0.10)%n", t2 / t1);
        }
        out.flush();
    }

    private static void row(PrintWriter out, String label, JsonNode r, double ttft) {
        out.printf(Locale.ROOT, "%-26s %10.1f %12d %12d %12d%n", label, ttft, r.at("/usage/prompt_tokens").asInt(),
                r.at("/usage/prompt_tokens_details/cached_tokens").asInt(), r.at("/glimpse/visual_cache_hits").asInt());
    }

    private static JsonNode ask(HttpClient http, String url, ArrayNode messages, Options o) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode().put("max_tokens", o.tokens());
        body.set("messages", messages);
        body.putObject("glimpse").put("frames", o.frames());
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("the server answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }
}
