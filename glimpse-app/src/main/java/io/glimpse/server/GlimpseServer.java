package io.glimpse.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The HTTP server: routes, bearer-key check, body limit, error mapping and metrics around {@link ChatRoute},
 * {@link CompletionRoute} (OpenAI's legacy /v1/completions, byte-level with {@code glimpse.byte_level}) and
 * {@link PlanRoute}; {@code POST /v1/speculation/reset} forgets the Token Recycling tables earlier answers warmed. Binds where {@link ServeOptions} says (loopback by default); {@link #close} stops it and removes
 * its temporary files.
 */
public final class GlimpseServer implements AutoCloseable {
    private static final java.util.Set<String> ROUTES = java.util.Set.of("/health", "/v1/models", "/metrics", "/v1/plan",
            "/v1/chat/completions", "/v1/completions", "/v1/speculation/reset");
    private final ServeOptions options;
    private final ChatEngine engine;
    private final Path temp;
    private final ServerMetrics metrics;
    private final Admission admission;
    private final byte[] keyDigest;
    private final Javalin app;

    private GlimpseServer(ServeOptions options, ChatEngine engine) throws IOException {
        this.options = options;
        this.engine = engine;
        this.temp = Files.createTempDirectory("glimpse-serve-");
        this.admission = new Admission(options.maxConcurrency(), options.queue());
        this.metrics = new ServerMetrics(admission::waiting, engine == null ? () -> 0 : engine::decodeSteps,
                engine == null ? () -> 0 : engine::decodeRows);
        this.keyDigest = options.apiKey() == null ? null : sha256(options.apiKey());
        MediaResolver media = new MediaResolver(options.allowDirs(), temp);
        PlanRoute plan = new PlanRoute(options, media);
        ChatRoute chat = engine == null ? null : new ChatRoute(options, engine, media, admission, metrics);
        CompletionRoute completions = engine == null ? null : new CompletionRoute(options, engine, admission, metrics);
        this.app = Javalin.create(config -> {
            config.concurrency.useVirtualThreads = true;
            config.startup.showJavalinBanner = false;
            config.jetty.host = options.host();
            config.jetty.port = options.port();
            config.http.maxRequestSize = options.maxBodyBytes();
            config.routes.before(this::authorize);
            config.routes.get("/health", ctx -> json(ctx, health()));
            config.routes.get("/v1/models", ctx -> json(ctx, models()));
            config.routes.get("/metrics", ctx -> ctx.contentType(ServerMetrics.contentType()).result(metrics.text()));
            config.routes.post("/v1/plan", ctx -> plan.handle(ctx, body(ctx)));
            config.routes.post("/v1/chat/completions", ctx -> {
                if (chat == null) {
                    throw ApiException.notFound("this server has no model loaded (start it with --model DIR)");
                }
                chat.handle(ctx, body(ctx));
            });
            config.routes.post("/v1/completions", ctx -> {
                if (completions == null) {
                    throw ApiException.notFound("this server has no model loaded (start it with --model DIR)");
                }
                completions.handle(ctx, body(ctx));
            });
            config.routes.post("/v1/speculation/reset", ctx -> {
                if (engine == null) {
                    throw ApiException.notFound("this server has no model loaded (start it with --model DIR)");
                }
                json(ctx, Json.MAPPER.createObjectNode().put("object", "speculation.reset")
                        .put("tables_dropped", engine.resetSpeculation()));
            });
            config.routes.after(ctx -> metrics.request(ROUTES.contains(ctx.path()) ? ctx.path() : "unmatched", ctx.statusCode()));
            config.routes.exception(ApiException.class, (e, ctx) -> fail(ctx, e));
            config.routes.exception(Exception.class, (e, ctx) -> {
                System.err.println("glimpse serve: internal error on " + ctx.method() + " " + ctx.path() + ": " + e);
                if (Boolean.getBoolean("glimpse.debug")) {
                    e.printStackTrace();
                }
                fail(ctx, ApiException.internal());
            });
            config.routes.error(404, "*", ctx -> {
                if (ctx.result() == null || !ctx.result().startsWith("{\"error\"")) {
                    fail(ctx, ApiException.notFound("no route " + ctx.method() + " " + ctx.path()));
                }
            });
        });
    }

    /**
     * Loads the model once (when given) and starts serving: the entry of {@code glimpse serve}.
     *
     * @param model  checkpoint folder or GGUF language model, or null to serve planning only
     * @param mmproj the mmproj GGUF file of a GGUF {@code model}, else null
     * @return the running server; closing it stops it and releases the model
     */
    public static GlimpseServer open(Path model, Path mmproj, ServeOptions options) throws IOException {
        ChatEngine engine = model == null ? null : ChatEngine.load(model, mmproj, options);
        try {
            return start(options, engine);
        } catch (IOException | RuntimeException e) {
            if (engine != null) {
                engine.close();
            }
            throw e;
        }
    }

    /**
     * Starts a server, which then owns {@code engine} (closed with it); with a null engine only /v1/plan, /health,
     * /v1/models and /metrics answer.
     */
    public static GlimpseServer start(ServeOptions options, ChatEngine engine) throws IOException {
        GlimpseServer s = new GlimpseServer(options, engine);
        s.app.start();
        return s;
    }

    /** The port the server listens on (the chosen one when started with port 0). */
    public int port() {
        return app.port();
    }

    public String host() {
        return options.host();
    }

    static void fail(Context ctx, ApiException e) {
        if (e.status() == 429) {
            ctx.header("Retry-After", "1");
        }
        if (e.status() == 401) {
            ctx.header("WWW-Authenticate", "Bearer");
        }
        ctx.status(e.status()).contentType("application/json").result(Json.error(e));
    }

    private static void json(Context ctx, ObjectNode node) {
        ctx.contentType("application/json").result(Json.write(node));
    }

    private void authorize(Context ctx) {
        if (keyDigest == null || ctx.path().equals("/health")) {
            return;
        }
        String header = ctx.header("Authorization");
        String given = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : "";
        // Digests have one length whatever the key, so the comparison's time says nothing about it.
        if (!MessageDigest.isEqual(sha256(given), keyDigest)) {
            throw ApiException.unauthorized();
        }
    }

    private byte[] body(Context ctx) {
        long limit = options.maxBodyBytes();
        String tooLarge = "the body is larger than --max-body " + limit + " bytes";
        if (ctx.req().getContentLengthLong() > limit) {
            throw ApiException.tooLarge(null, tooLarge);
        }
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] data = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (data.length > limit) {
                throw ApiException.tooLarge(null, tooLarge);
            }
            return data;
        } catch (IOException e) {
            throw ApiException.invalid(null, "the body could not be read");
        }
    }

    private ObjectNode health() {
        ObjectNode n = Json.MAPPER.createObjectNode().put("status", "ok");
        n.put("model", engine == null ? null : engine.id());
        return n;
    }

    private ObjectNode models() {
        ObjectNode root = Json.MAPPER.createObjectNode().put("object", "list");
        var data = root.putArray("data");
        if (engine != null) {
            data.addObject().put("id", engine.id()).put("object", "model").put("created", engine.created())
                    .put("owned_by", "glimpse");
        }
        return root;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        app.stop();
        if (engine != null) {
            engine.close();
        }
        try (Stream<Path> files = Files.walk(temp)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
