package io.glimpse.server;

import io.glimpse.testkit.Fixtures;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A server on 127.0.0.1 at a free port for tests, with plain HTTP helpers. */
final class LiveServer implements AutoCloseable {
    static final Path FIXTURES = Fixtures.path("");
    static final Path LLAVA15 = FIXTURES.resolve("llava/llava15");
    static final Path ONEVISION = FIXTURES.resolve("llava/onevision");
    static final Path IMAGE = FIXTURES.resolve("vision/landscape.png");

    final GlimpseServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    LiveServer(Path model, ServeOptions options) throws IOException {
        this(model, null, options);
    }

    LiveServer(Path model, Path mmproj, ServeOptions options) throws IOException {
        server = GlimpseServer.open(model, mmproj, options);
    }

    /** Defaults as {@code glimpse serve} has them, on a free loopback port, allowing the fixtures folder. */
    static ServeOptions options(int maxConcurrency, int queue, int maxTokens, String apiKey, long cacheBytes) {
        return options(maxConcurrency, queue, maxTokens, apiKey, cacheBytes, null);
    }

    /** As above, frames scored for query-aware planning by the CLIP or SigLIP folder {@code scorer} (null: none). */
    static ServeOptions options(int maxConcurrency, int queue, int maxTokens, String apiKey, long cacheBytes, Path scorer) {
        return new ServeOptions("127.0.0.1", 0, List.of(FIXTURES), apiKey, maxConcurrency, queue, 16 << 20, 16, 1 << 24,
                32768, maxTokens, Duration.ofSeconds(120), GlimpseParams.NONE, cacheBytes, cacheBytes,
                io.glimpse.job.AskJob.Engine.parse(null, null), io.glimpse.job.AskJob.Kv.F32, scorer);
    }

    String base() {
        return "http://127.0.0.1:" + server.port();
    }

    HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(60));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String contentType, byte[] body, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(120))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body))
                // A large body waits for the server's go-ahead, so a refusal (413) arrives instead of a reset mid-upload.
                .expectContinue(body.length > 1 << 20);
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> postJson(String path, String json) throws IOException, InterruptedException {
        return post(path, "application/json", json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** A sample of /metrics, 0 when the series is absent; {@code series} as it stands in the text, labels included. */
    double metric(String series) throws IOException, InterruptedException {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(get("/metrics").body());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Override
    public void close() {
        server.close();
    }
}
