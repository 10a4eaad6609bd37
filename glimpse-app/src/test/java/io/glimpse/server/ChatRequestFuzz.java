package io.glimpse.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.net.http.HttpResponse;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Generated chat requests, mostly well-formed in shape with wrong values in places, sent to a live server: every
 * answer is a 200 or a 4xx with OpenAI's error JSON, never a 500 or a stack trace.
 */
class ChatRequestFuzz {
    static LiveServer server;
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final List<String> FIELDS = List.of("model", "messages", "stream", "max_tokens", "max_completion_tokens",
            "temperature", "top_p", "seed", "stop", "n", "stream_options", "glimpse", "user", "tools");
    private static final List<String> GLIMPSE = List.of("frames", "budget", "plan", "method", "fps", "dedup", "reduce",
            "llm_pruning", "positions", "tc_gamma", "speculate", "query_aware");

    @BeforeContainer
    static void start() throws Exception {
        server = new LiveServer(LiveServer.LLAVA15, LiveServer.options(1, 4, 2, null, 4 << 20));
    }

    @AfterContainer
    static void stop() {
        server.close();
    }

    @Property(tries = 120)
    void noRequestBodyGetsA500OrAStackTrace(@ForAll("requests") String body) throws Exception {
        HttpResponse<String> r = server.postJson("/v1/chat/completions", body);
        assertThat(r.statusCode()).as(body + " -> " + r.body()).isIn(200, 400, 404, 413, 429);
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
        if (r.body().startsWith("data: ")) {
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).endsWith("data: [DONE]\n\n");
            return;
        }
        JsonNode json = Json.MAPPER.readTree(r.body());
        if (r.statusCode() == 200) {
            assertThat(json.at("/choices/0/message/content").isTextual() || json.isMissingNode()).isTrue();
        } else {
            assertThat(json.at("/error/message").asText()).isNotBlank();
        }
    }

    @Provide
    Arbitrary<String> requests() {
        return Arbitraries.oneOf(request().map(Json::write), Arbitraries.strings().ofMaxLength(60),
                request().map(n -> Json.write(n)).map(s -> s.substring(0, s.length() / 2)));
    }

    private Arbitrary<JsonNode> request() {
        Arbitrary<JsonNode> field = Arbitraries.oneOf(value(2), messages(), glimpse());
        return Arbitraries.maps(Arbitraries.oneOf(Arbitraries.of(FIELDS), Arbitraries.strings().alpha().ofMaxLength(6)), field)
                .ofMaxSize(6).map(m -> {
                    ObjectNode o = F.objectNode();
                    m.forEach(o::set);
                    if (!o.has("messages") || Math.abs(m.hashCode()) % 3 != 0) {
                        o.set("messages", F.arrayNode().add(F.objectNode().put("role", "user").put("content", "hi")));
                    }
                    if (o.path("max_tokens").isNumber() && o.get("max_tokens").asLong() > 0) {
                        o.put("max_tokens", 1);
                    }
                    return (JsonNode) o;
                });
    }

    private Arbitrary<JsonNode> glimpse() {
        return Arbitraries.maps(Arbitraries.of(GLIMPSE), Arbitraries.oneOf(value(1),
                        Arbitraries.of("tome:keep=0.5", "kcenter:k=4", "nope", "fastv", "keep", "recompact", "vista", "tclava",
                                "recycling", "none", "clips").map(F::textNode)))
                .ofMaxSize(4).map(m -> {
                    ObjectNode o = F.objectNode();
                    m.forEach(o::set);
                    return o;
                });
    }

    private Arbitrary<JsonNode> messages() {
        Arbitrary<JsonNode> part = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(20).map(t -> F.objectNode().put("type", "text").put("text", t)),
                Arbitraries.of("data:image/png;base64,iVBORw0KGgo=", "data:image/png;base64,@@", "http://x/y.png", "/etc/passwd",
                                "file:///etc/passwd", "data:video/mp4;base64,AAAA", "", "relative.png")
                        .map(u -> F.objectNode().put("type", Math.abs(u.hashCode()) % 2 == 0 ? "image_url" : "video_url")
                                .set(Math.abs(u.hashCode()) % 2 == 0 ? "image_url" : "video_url", F.objectNode().put("url", u))),
                value(1));
        Arbitrary<JsonNode> content = Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(20).map(F::textNode),
                part.list().ofMaxSize(3).map(l -> {
                    ArrayNode a = F.arrayNode();
                    l.forEach(a::add);
                    return a;
                }), value(1));
        Arbitrary<JsonNode> message = Arbitraries.of("user", "assistant", "system", "developer", "tool", "").flatMap(role ->
                content.map(c -> F.objectNode().put("role", role).set("content", c)));
        return message.list().ofMaxSize(3).map(l -> {
            ArrayNode a = F.arrayNode();
            l.forEach(a::add);
            return a;
        });
    }

    private Arbitrary<JsonNode> value(int depth) {
        Arbitrary<JsonNode> scalar = Arbitraries.oneOf(
                Arbitraries.integers().map(i -> (JsonNode) F.numberNode(i)),
                Arbitraries.longs().map(l -> (JsonNode) F.numberNode(l)),
                Arbitraries.doubles().map(d -> (JsonNode) F.numberNode(d)),
                Arbitraries.of(-1.0, 0.0, 0.5, 1.0, 2.5, 1e308).map(d -> (JsonNode) F.numberNode(d)),
                Arbitraries.strings().ofMaxLength(12).map(s -> (JsonNode) F.textNode(s)),
                Arbitraries.of(true, false).map(b -> (JsonNode) F.booleanNode(b)),
                Arbitraries.just(F.nullNode()));
        if (depth == 0) {
            return scalar;
        }
        Arbitrary<JsonNode> array = value(depth - 1).list().ofMaxSize(3).map(l -> {
            ArrayNode a = F.arrayNode();
            l.forEach(a::add);
            return a;
        });
        Arbitrary<JsonNode> object = Arbitraries.maps(Arbitraries.strings().alpha().ofMaxLength(5), value(depth - 1)).ofMaxSize(3)
                .map(m -> {
                    ObjectNode o = F.objectNode();
                    m.forEach(o::set);
                    return o;
                });
        return Arbitraries.oneOf(scalar, array, object);
    }
}
