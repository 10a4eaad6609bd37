package io.glimpse.server;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** OpenAI's chat.completion and chat.completion.chunk objects, with Glimpse's counts beside the standard ones. */
final class CompletionJson {
    private final String id;
    private final long created;
    private final String model;

    CompletionJson(String id, long created, String model) {
        this.id = id;
        this.created = created;
        this.model = model;
    }

    private ObjectNode head(String object) {
        return Json.MAPPER.createObjectNode().put("id", id).put("object", object).put("created", created).put("model", model);
    }

    ObjectNode completion(ChatEngine.Answer a) {
        ObjectNode root = head("chat.completion");
        ObjectNode choice = root.putArray("choices").addObject().put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", a.text());
        choice.putNull("logprobs");
        choice.put("finish_reason", a.finishReason());
        root.set("usage", usage(a.stats()));
        root.set("glimpse", glimpse(a.stats()));
        return root;
    }

    /** A chunk carrying {@code delta} text (role on the first), or the closing one with its finish reason. */
    ObjectNode chunk(String text, boolean first, String finishReason) {
        ObjectNode root = head("chat.completion.chunk");
        ObjectNode choice = root.putArray("choices").addObject().put("index", 0);
        ObjectNode delta = choice.putObject("delta");
        if (first) {
            delta.put("role", "assistant");
        }
        if (text != null) {
            delta.put("content", text);
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        return root;
    }

    /** The usage chunk of {@code stream_options.include_usage}: no choices. */
    ObjectNode usageChunk(ChatEngine.Stats s) {
        ObjectNode root = head("chat.completion.chunk");
        root.putArray("choices");
        root.set("usage", usage(s));
        root.set("glimpse", glimpse(s));
        return root;
    }

    private static ObjectNode usage(ChatEngine.Stats s) {
        ObjectNode u = Json.MAPPER.createObjectNode().put("prompt_tokens", s.promptRows()).put("completion_tokens", s.generated())
                .put("total_tokens", s.promptRows() + s.generated());
        u.putObject("prompt_tokens_details").put("cached_tokens", s.cachedRows());
        u.put("visual_tokens_before_reduction", s.encoderTokens()).put("visual_tokens_after_reduction", s.visualRows());
        return u;
    }

    private static ObjectNode glimpse(ChatEngine.Stats s) {
        ObjectNode g = Json.MAPPER.createObjectNode().put("visual_cache_hits", s.visualHits())
                .put("visual_cache_misses", s.visualMisses()).put("prefix_rows_reused", s.cachedRows())
                .put("time_to_first_token_ms", s.firstTokenNanos() / 1e6).put("verify_forwards", s.verifyForwards());
        double speed = s.decodeTokensPerSecond();
        if (Double.isFinite(speed)) {
            g.put("decode_tokens_per_second", speed);
        } else {
            g.putNull("decode_tokens_per_second");
        }
        return g;
    }
}
