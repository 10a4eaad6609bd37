package io.glimpse.server;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * A {@code POST /v1/completions} body (OpenAI's legacy Completions API), read and checked: one prompt, the sampling
 * fields the chat route honours, and a {@code glimpse} object of its own, {@code {"byte_level": true, "show_probs": N}}.
 * Unknown top-level fields are ignored, as OpenAI servers do; a field of {@code glimpse} other than those two is a 400
 * (a misspelt option would otherwise go unnoticed, and the chat route's media options mean nothing here), as are fields
 * that would ask for what is not done here (several choices, echo, suffix, logprobs) and any bad value.
 *
 * @param maxTokens   tokens to generate, bytes with {@code byteLevel}; null: OpenAI's default of 16
 * @param temperature null = 0 (greedy), as in chat
 * @param showProbs   how many of the most probable next bytes each step lists (0: none); byte level only
 */
record CompletionRequest(String prompt, boolean stream, boolean includeUsage, Integer maxTokens, Double temperature,
                         Double topP, Long seed, List<String> stop, boolean byteLevel, int showProbs) {
    /** OpenAI's default max_tokens for completions. */
    static final int DEFAULT_MAX_TOKENS = 16;
    /** The symbols a byte step chooses among: 256 bytes and the end of the text. */
    static final int SYMBOLS = 257;
    /** show_probs: true lists as many as {@code glimpse complete --show-probs} does. */
    static final int DEFAULT_SHOW_PROBS = 5;

    int maxTokensOrDefault() {
        return maxTokens == null ? DEFAULT_MAX_TOKENS : maxTokens;
    }

    /** Reads a body; {@code maxTokens} bounds max_tokens. */
    static CompletionRequest parse(JsonNode root, int maxTokens) {
        JsonNode n = root.get("n");
        if (n != null && !n.isNull() && !(n.isIntegralNumber() && n.asLong() == 1)) {
            throw ApiException.invalid("n", "n must be 1: the server generates one choice per request");
        }
        JsonNode bestOf = root.get("best_of");
        if (bestOf != null && !bestOf.isNull() && !(bestOf.isIntegralNumber() && bestOf.asLong() == 1)) {
            throw ApiException.invalid("best_of", "best_of must be 1: the server generates one choice per request");
        }
        if (Boolean.TRUE.equals(JsonFields.bool(root, "echo", "echo"))) {
            throw ApiException.invalid("echo", "echo is not supported: the answer holds the completion only");
        }
        if (JsonFields.text(root, "suffix", "suffix") != null) {
            throw ApiException.invalid("suffix", "suffix is not supported: the server completes after the prompt only");
        }
        if (root.hasNonNull("logprobs")) {
            throw ApiException.invalid("logprobs", "logprobs is not supported; with glimpse.byte_level, "
                    + "glimpse.show_probs lists the most probable next bytes");
        }
        JsonNode streamOptions = JsonFields.object(root, "stream_options", "stream_options");
        boolean usage = streamOptions != null && Boolean.TRUE.equals(JsonFields.bool(streamOptions, "include_usage",
                "stream_options.include_usage"));
        JsonNode g = JsonFields.object(root, "glimpse", "glimpse");
        if (g != null) {
            JsonFields.onlyKnown(g, "glimpse", List.of("byte_level", "show_probs"));
        }
        boolean byteLevel = g != null && Boolean.TRUE.equals(JsonFields.bool(g, "byte_level", "glimpse.byte_level"));
        int showProbs = g == null ? 0 : showProbs(g, byteLevel);
        return new CompletionRequest(prompt(root), Boolean.TRUE.equals(JsonFields.bool(root, "stream", "stream")), usage,
                JsonFields.integer(root, "max_tokens", "max_tokens", 1, maxTokens),
                JsonFields.number(root, "temperature", "temperature", 0, 2),
                JsonFields.number(root, "top_p", "top_p", Double.MIN_VALUE, 1), JsonFields.longValue(root, "seed", "seed"),
                ChatRequest.stop(root), byteLevel, showProbs);
    }

    private static int showProbs(JsonNode g, boolean byteLevel) {
        JsonNode v = g.get("show_probs");
        if (v == null || v.isNull() || v.isBoolean() && !v.asBoolean()) {
            return 0;
        }
        int k = v.isBoolean() ? DEFAULT_SHOW_PROBS : JsonFields.integer(g, "show_probs", "glimpse.show_probs", 1, SYMBOLS);
        if (!byteLevel) {
            throw ApiException.invalid("glimpse.show_probs", "glimpse.show_probs lists next-byte probabilities: "
                    + "it needs glimpse.byte_level true");
        }
        return k;
    }

    /** A string, or an array holding one string; a string with an unpaired surrogate has no UTF-8 form. */
    private static String prompt(JsonNode root) {
        JsonNode v = root.get("prompt");
        if (v != null && v.isArray() && v.size() == 1 && v.get(0).isTextual()) {
            v = v.get(0);
        }
        if (v == null || !v.isTextual()) {
            throw ApiException.invalid("prompt", "prompt must be a string (or an array holding one string)");
        }
        String p = v.asText();
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < p.length() && Character.isLowSurrogate(p.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw ApiException.invalid("prompt", "prompt is not valid Unicode: an unpaired surrogate at character " + i);
            }
        }
        return p;
    }
}
