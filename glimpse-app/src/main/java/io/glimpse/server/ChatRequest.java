package io.glimpse.server;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@code POST /v1/chat/completions} body, read and checked: OpenAI's fields the server honours, the vLLM/SGLang
 * {@code video_url} part, and the {@code glimpse} object. Unknown fields are ignored, as OpenAI servers do, except
 * inside {@code glimpse}, whose options are Glimpse's own; a known field with a bad value is a 400 naming it.
 *
 * @param maxTokens   max_completion_tokens, else max_tokens, else null (the server's limit)
 * @param temperature null = 0 (greedy): the server's answers are repeatable unless asked otherwise
 */
public record ChatRequest(List<Message> messages, boolean stream, boolean includeUsage, Integer maxTokens,
                          Double temperature, Double topP, Long seed, List<String> stop, GlimpseParams glimpse) {
    /** Most messages one request may hold. */
    static final int MAX_MESSAGES = 1024;

    /** One turn: its role, its text parts joined by newlines, and its media parts in order. */
    public record Message(String role, String text, List<MediaPart> media) {
    }

    /** A media part, not yet resolved; {@code param} names it in errors ({@code messages[0].content[1].image_url}). */
    public record MediaPart(MediaKind kind, String url, String param) {
    }

    /** Reads a body; {@code maxTokens} and {@code maxFrames} bound the fields of the same meaning. */
    static ChatRequest parse(JsonNode root, int maxTokens, int maxFrames) {
        JsonNode n = root.get("n");
        if (n != null && !n.isNull() && !(n.isIntegralNumber() && n.asLong() == 1)) {
            throw ApiException.invalid("n", "n must be 1: the server generates one choice per request");
        }
        Integer max = JsonFields.integer(root, "max_completion_tokens", "max_completion_tokens", 1, maxTokens);
        if (max == null) {
            max = JsonFields.integer(root, "max_tokens", "max_tokens", 1, maxTokens);
        }
        JsonNode streamOptions = JsonFields.object(root, "stream_options", "stream_options");
        boolean usage = streamOptions != null && Boolean.TRUE.equals(JsonFields.bool(streamOptions, "include_usage",
                "stream_options.include_usage"));
        return new ChatRequest(messages(root), Boolean.TRUE.equals(JsonFields.bool(root, "stream", "stream")), usage, max,
                JsonFields.number(root, "temperature", "temperature", 0, 2),
                JsonFields.number(root, "top_p", "top_p", Double.MIN_VALUE, 1), JsonFields.longValue(root, "seed", "seed"),
                stop(root), GlimpseParams.parse(JsonFields.object(root, "glimpse", "glimpse"), "glimpse", maxFrames));
    }

    private static List<Message> messages(JsonNode root) {
        JsonNode list = root.get("messages");
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw ApiException.invalid("messages", "messages must be a non-empty array");
        }
        if (list.size() > MAX_MESSAGES) {
            throw ApiException.invalid("messages", "messages holds more than " + MAX_MESSAGES + " entries");
        }
        List<Message> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String at = "messages[" + i + "]";
            JsonNode m = list.get(i);
            if (!m.isObject()) {
                throw ApiException.invalid(at, at + " must be an object");
            }
            String role = JsonFields.text(m, "role", at + ".role");
            role = "developer".equals(role) ? "system" : role;
            if (role == null || !List.of("system", "user", "assistant").contains(role)) {
                throw ApiException.invalid(at + ".role", at + ".role must be system, developer, user or assistant");
            }
            out.add(content(role, m.get("content"), at + ".content"));
        }
        return out;
    }

    private static Message content(String role, JsonNode content, String at) {
        if (content == null || content.isNull()) {
            return new Message(role, "", List.of());
        }
        if (content.isTextual()) {
            return new Message(role, content.asText(), List.of());
        }
        if (!content.isArray()) {
            throw ApiException.invalid(at, at + " must be a string or an array of parts");
        }
        List<String> texts = new ArrayList<>();
        List<MediaPart> media = new ArrayList<>();
        for (int j = 0; j < content.size(); j++) {
            String p = at + "[" + j + "]";
            JsonNode part = content.get(j);
            if (!part.isObject()) {
                throw ApiException.invalid(p, p + " must be an object");
            }
            String type = JsonFields.text(part, "type", p + ".type");
            switch (type == null ? "" : type) {
                case "text" -> {
                    String t = JsonFields.text(part, "text", p + ".text");
                    if (t == null) {
                        throw ApiException.invalid(p + ".text", p + ".text is required");
                    }
                    texts.add(t);
                }
                case "image_url" -> media.add(new MediaPart(MediaKind.IMAGE, url(part, "image_url", p), p + ".image_url"));
                case "video_url" -> media.add(new MediaPart(MediaKind.VIDEO, url(part, "video_url", p), p + ".video_url"));
                default -> throw ApiException.invalid(p + ".type", p + ".type must be text, image_url or video_url");
            }
        }
        if (!media.isEmpty() && !role.equals("user")) {
            throw ApiException.invalid(at, at + ": only user messages may carry images or videos");
        }
        return new Message(role, String.join("\n", texts), media);
    }

    /** {@code {"url": "..."}} or, as some clients send it, the URL string itself. */
    private static String url(JsonNode part, String field, String p) {
        JsonNode v = part.get(field);
        if (v != null && v.isTextual()) {
            return v.asText();
        }
        if (v == null || !v.isObject()) {
            throw ApiException.invalid(p + "." + field, p + "." + field + " must be an object with a url");
        }
        String url = JsonFields.text(v, "url", p + "." + field + ".url");
        if (url == null || url.isEmpty()) {
            throw ApiException.invalid(p + "." + field + ".url", p + "." + field + ".url is required");
        }
        return url;
    }

    /** OpenAI's {@code stop}: absent, a string, or up to 4 of them; shared by the completion routes. */
    static List<String> stop(JsonNode root) {
        JsonNode v = root.get("stop");
        if (v == null || v.isNull() || (v.isArray() && v.isEmpty())) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        if (v.isTextual()) {
            out.add(v.asText());
        } else if (v.isArray() && v.size() <= 4) {
            v.forEach(s -> out.add(s.isTextual() ? s.asText() : null));
        }
        if (out.isEmpty() || out.stream().anyMatch(s -> s == null || s.isEmpty())) {
            throw ApiException.invalid("stop", "stop must be a non-empty string or an array of up to 4 of them");
        }
        return List.copyOf(out);
    }
}
