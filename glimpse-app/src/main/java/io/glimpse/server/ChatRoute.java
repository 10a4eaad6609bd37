package io.glimpse.server;

import io.glimpse.lm.Sampler;
import io.javalin.http.Context;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * {@code POST /v1/chat/completions}: parse, resolve media, wait for a generation slot, answer as one JSON object or as
 * server-sent events in OpenAI's chunk format ending with {@code data: [DONE]}. A streamed answer stops within one
 * decode step of the client leaving (the next write fails) or of the request's deadline.
 */
final class ChatRoute {
    private final ServeOptions options;
    private final ChatEngine engine;
    private final MediaResolver media;
    private final Admission admission;
    private final ServerMetrics metrics;

    ChatRoute(ServeOptions options, ChatEngine engine, MediaResolver media, Admission admission, ServerMetrics metrics) {
        this.options = options;
        this.engine = engine;
        this.media = media;
        this.admission = admission;
        this.metrics = metrics;
    }

    void handle(Context ctx, byte[] body) {
        long deadline = System.nanoTime() + options.timeout().toNanos();
        ChatRequest r = ChatRequest.parse(Json.object(body), options.maxTokens(), options.maxFrames());
        GlimpseParams g = r.glimpse().orElse(options.defaults());
        g.check("glimpse");
        Sampler sampler = r.temperature() == null || r.temperature() == 0 ? Sampler.greedy()
                : Sampler.sampling(r.temperature(), r.topP() == null ? 1 : r.topP(),
                r.seed() == null ? ThreadLocalRandom.current().nextLong() : r.seed());
        List<Media> opened = new ArrayList<>();
        try {
            List<ChatEngine.Turn> turns = new ArrayList<>();
            for (ChatRequest.Message m : r.messages()) {
                List<ChatEngine.Part> parts = new ArrayList<>();
                for (ChatRequest.MediaPart p : m.media()) {
                    Media resolved = media.resolve(p.url(), p.kind(), p.param());
                    opened.add(resolved);
                    parts.add(new ChatEngine.Part(resolved, p.param()));
                }
                turns.add(new ChatEngine.Turn(m.role(), m.text(), parts));
            }
            ChatEngine.Conversation c = new ChatEngine.Conversation(turns, g,
                    r.maxTokens() == null ? options.maxTokens() : r.maxTokens(), sampler, r.stop());
            CompletionJson json = new CompletionJson("chatcmpl-" + UUID.randomUUID(), System.currentTimeMillis() / 1000, engine.id());
            try (Admission.Slot slot = admission.enter(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) {
                metrics.active.inc();
                try {
                    if (r.stream()) {
                        stream(ctx, c, json, r.includeUsage(), deadline);
                    } else {
                        complete(ctx, c, json, deadline);
                    }
                } finally {
                    metrics.active.dec();
                }
            }
        } finally {
            opened.forEach(Media::close);
        }
    }

    private void complete(Context ctx, ChatEngine.Conversation c, CompletionJson json, long deadline) {
        ClientWatch client = new ClientWatch(ctx);
        ChatEngine.Answer a;
        try {
            a = engine.run(c, sink(text -> { }, client::gone, deadline));
        } catch (ChatEngine.Halted e) {
            metrics.halted.labelValues(e.getMessage()).inc();
            if (e.getMessage().equals("client")) {
                return;
            }
            throw timedOut();
        }
        record(a.stats());
        ctx.contentType("application/json").result(Json.write(json.completion(a)));
    }

    /** Text goes to {@code text}; generation halts when the client is {@code gone} or the deadline has passed. */
    private static ChatEngine.Sink sink(Consumer<String> text, BooleanSupplier gone, long deadline) {
        return new ChatEngine.Sink() {
            @Override
            public void text(String t) {
                text.accept(t);
            }

            @Override
            public String halt() {
                return gone.getAsBoolean() ? "client" : System.nanoTime() > deadline ? "timeout" : null;
            }
        };
    }

    private ApiException timedOut() {
        return ApiException.timeout("the request took longer than --timeout " + options.timeout().toSeconds() + " s");
    }

    /** Server-sent events; the stream opens at the first text, so errors before it are still plain 4xx responses. */
    private void stream(Context ctx, ChatEngine.Conversation c, CompletionJson json, boolean usage, long deadline) {
        EventStream events = new EventStream(ctx);
        ClientWatch client = new ClientWatch(ctx);
        ChatEngine.Answer a;
        try {
            a = engine.run(c, sink(text -> events.send(json.chunk(text, events.opening(), null)),
                    () -> events.gone() || client.gone(), deadline));
        } catch (ChatEngine.Halted e) {
            metrics.halted.labelValues(e.getMessage()).inc();
            events.halted(e, timedOut());
            return;
        }
        record(a.stats());
        if (!events.open()) {
            events.send(json.chunk("", events.opening(), null));
        }
        events.send(json.chunk(null, false, a.finishReason()));
        if (usage) {
            events.send(json.usageChunk(a.stats()));
        }
        events.done();
    }

    private void record(ChatEngine.Stats s) {
        metrics.firstToken.observe(s.firstTokenNanos() / 1e9);
        if (Double.isFinite(s.decodeTokensPerSecond())) {
            metrics.decodeSpeed.observe(s.decodeTokensPerSecond());
        }
        metrics.visualIn.inc(s.encoderTokens());
        metrics.visualOut.inc(s.visualRows());
        metrics.cacheHits.labelValues("visual").inc(s.visualHits());
        metrics.cacheMisses.labelValues("visual").inc(s.visualMisses());
        (s.cachedRows() > 0 ? metrics.cacheHits : metrics.cacheMisses).labelValues("prefix").inc();
        metrics.prefixRows.inc(s.cachedRows());
    }
}
