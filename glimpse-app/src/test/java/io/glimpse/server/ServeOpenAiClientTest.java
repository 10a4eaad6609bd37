package io.glimpse.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPartImage;
import com.openai.models.chat.completions.ChatCompletionContentPartText;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import io.glimpse.cli.GlimpseCli;
import io.glimpse.media.SyntheticVideo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The official openai-java client against live servers on the tiny fixture checkpoints. */
class ServeOpenAiClientTest {
    static LiveServer llava;
    static LiveServer onevision;
    static OpenAIClient client;
    static OpenAIClient ovClient;
    static String imageUrl;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        llava = new LiveServer(LiveServer.LLAVA15, LiveServer.options(1, 8, 64, null, 64 << 20));
        onevision = new LiveServer(LiveServer.ONEVISION, LiveServer.options(1, 8, 64, null, 64 << 20));
        client = OpenAIOkHttpClient.builder().baseUrl(llava.base() + "/v1").apiKey("unused").maxRetries(0).build();
        ovClient = OpenAIOkHttpClient.builder().baseUrl(onevision.base() + "/v1").apiKey("unused").maxRetries(0).build();
        imageUrl = "data:image/png;base64," + Base64.getEncoder().encodeToString(Files.readAllBytes(LiveServer.IMAGE));
    }

    @AfterAll
    static void stop() {
        llava.close();
        onevision.close();
    }

    static String ask(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = GlimpseCli.run(new PrintWriter(out), new PrintWriter(err), args);
        assertThat(code).as(err.toString()).isZero();
        return out.toString().strip();
    }

    private static int number(JsonValue v) {
        return ((Number) v.asNumber().orElseThrow()).intValue();
    }

    private static ChatCompletionCreateParams.Builder imageQuestion(String question, int maxTokens) {
        return ChatCompletionCreateParams.builder().model("llava15").maxCompletionTokens(maxTokens).temperature(0.0)
                .addUserMessageOfArrayOfContentParts(List.of(
                        ChatCompletionContentPart.ofImageUrl(ChatCompletionContentPartImage.builder()
                                .imageUrl(ChatCompletionContentPartImage.ImageUrl.builder().url(imageUrl).build()).build()),
                        ChatCompletionContentPart.ofText(ChatCompletionContentPartText.builder().text(question).build())));
    }

    @Test
    void aTextChatAnswersWithUsage() {
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder().model("llava15")
                .addUserMessage("Hello there").maxCompletionTokens(6).build());
        assertThat(c.choices()).hasSize(1);
        assertThat(c.choices().getFirst().finishReason().asString()).isIn("length", "stop");
        assertThat(c.usage().orElseThrow().completionTokens()).isBetween(1L, 6L);
        assertThat(c.usage().orElseThrow().promptTokens()).isPositive();
        assertThat(c.model()).isEqualTo("llava15");
    }

    @Test
    void anImagePartAnswersAsGlimpseAskDoes() {
        String expected = ask("ask", "--model", LiveServer.LLAVA15.toString(), "--image", LiveServer.IMAGE.toString(),
                "--max-tokens", "8", "What is this?");
        ChatCompletion c = client.chat().completions().create(imageQuestion("What is this?", 8).build());
        assertThat(c.choices().getFirst().message().content().orElseThrow().strip()).isEqualTo(expected);
        Map<String, JsonValue> usage = c.usage().orElseThrow()._additionalProperties();
        assertThat(number(usage.get("visual_tokens_before_reduction"))).isEqualTo(16);
        assertThat(number(usage.get("visual_tokens_after_reduction"))).isEqualTo(16);
    }

    @Test
    void aStreamedChatSendsTheSameAnswerInChunks() {
        ChatCompletion whole = client.chat().completions().create(imageQuestion("Describe it.", 10).build());
        List<String> deltas = new ArrayList<>();
        List<String> finish = new ArrayList<>();
        long[] usage = {-1};
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(imageQuestion("Describe it.", 10)
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            s.stream().forEach(chunk -> {
                chunk.choices().forEach(ch -> {
                    ch.delta().content().ifPresent(deltas::add);
                    ch.finishReason().ifPresent(f -> finish.add(f.asString()));
                });
                chunk.usage().ifPresent(u -> usage[0] = u.completionTokens());
            });
        }
        assertThat(deltas.size()).isGreaterThan(1);
        assertThat(String.join("", deltas)).isEqualTo(whole.choices().getFirst().message().content().orElseThrow());
        assertThat(finish).containsExactly(whole.choices().getFirst().finishReason().asString());
        assertThat(usage[0]).isEqualTo(whole.usage().orElseThrow().completionTokens());
    }

    @Test
    void aVideoPartInTheExtraBodyAnswersAsGlimpseAskDoes() throws Exception {
        Path video = new SyntheticVideo(new SyntheticVideo.Spec(160, 96, 5, List.of(1.0, 1.0),
                List.of(SyntheticVideo.TransitionKind.CUT), 0.5, 7)).write(dir.resolve("clip.mp4"));
        String expected = ask("ask", "--model", LiveServer.ONEVISION.toString(), "--video", video.toString(), "--frames", "2",
                "--max-tokens", "6", "What happens?");
        String url = "data:video/mp4;base64," + Base64.getEncoder().encodeToString(Files.readAllBytes(video));
        ChatCompletion c = ovClient.chat().completions().create(ChatCompletionCreateParams.builder().model("onevision")
                .addUserMessage("placeholder").maxCompletionTokens(6)
                .putAdditionalBodyProperty("messages", JsonValue.from(List.of(Map.of("role", "user", "content", List.of(
                        Map.of("type", "video_url", "video_url", Map.of("url", url)),
                        Map.of("type", "text", "text", "What happens?"))))))
                .putAdditionalBodyProperty("glimpse", JsonValue.from(Map.of("frames", 2)))
                .build());
        assertThat(c.choices().getFirst().message().content().orElseThrow().strip()).isEqualTo(expected);
        // Two 7x7 frames pooled to 4x4 each, then image_newline.
        assertThat(number(c.usage().orElseThrow()._additionalProperties().get("visual_tokens_after_reduction"))).isEqualTo(33);
    }

    @Test
    void aFollowUpTurnHitsBothCachesAndAnswersAsAColdServer() throws Exception {
        String question = "Which colours?";
        ChatCompletion first = client.chat().completions().create(imageQuestion(question, 5).build());
        String answer = first.choices().getFirst().message().content().orElseThrow();
        double visualHits = llava.metric("glimpse_cache_hits_total{cache=\"visual\"}");
        double prefixHits = llava.metric("glimpse_cache_hits_total{cache=\"prefix\"}");
        ChatCompletionCreateParams second = imageQuestion(question, 5).addAssistantMessage(answer)
                .addUserMessage("And the shapes?").build();
        ChatCompletion warm = client.chat().completions().create(second);

        assertThat(llava.metric("glimpse_cache_hits_total{cache=\"visual\"}")).isEqualTo(visualHits + 1);
        assertThat(llava.metric("glimpse_cache_hits_total{cache=\"prefix\"}")).isEqualTo(prefixHits + 1);
        long cached = warm.usage().orElseThrow().promptTokensDetails().orElseThrow().cachedTokens().orElseThrow();
        assertThat(cached).as("the first turn's prompt at least").isGreaterThanOrEqualTo(first.usage().orElseThrow().promptTokens());
        try (LiveServer cold = new LiveServer(LiveServer.LLAVA15, LiveServer.options(1, 1, 64, null, 0))) {
            OpenAIClient c = OpenAIOkHttpClient.builder().baseUrl(cold.base() + "/v1").apiKey("unused").maxRetries(0).build();
            ChatCompletion fresh = c.chat().completions().create(second);
            assertThat(fresh.usage().orElseThrow().promptTokensDetails().orElseThrow().cachedTokens().orElseThrow()).isZero();
            assertThat(warm.choices().getFirst().message().content()).isEqualTo(fresh.choices().getFirst().message().content());
        }
    }

    @Test
    void unknownFieldsAreIgnoredOutsideGlimpseAndBadValuesNameTheirField() throws Exception {
        var ok = llava.postJson("/v1/chat/completions", """
                {"model":"x","messages":[{"role":"user","content":"hi","name":"me"}],"max_tokens":2,"logit_bias":{},"user":"u",
                 "frequency_penalty":0,"glimpse":{"frames":2}}""");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        var typo = llava.postJson("/v1/chat/completions", """
                {"messages":[{"role":"user","content":"hi"}],"max_tokens":2,"glimpse":{"frames":2,"speculte":"recycling"}}""");
        assertThat(typo.statusCode()).as(typo.body()).isEqualTo(400);
        JsonNode typoErr = Json.MAPPER.readTree(typo.body()).get("error");
        assertThat(typoErr.get("param").asText()).isEqualTo("glimpse.speculte");
        assertThat(typoErr.get("message").asText()).contains("speculate");
        var bad = llava.postJson("/v1/chat/completions", """
                {"messages":[{"role":"user","content":"hi"}],"glimpse":{"reduce":"nosuchmethod:k=3"}}""");
        assertThat(bad.statusCode()).isEqualTo(400);
        JsonNode err = Json.MAPPER.readTree(bad.body()).get("error");
        assertThat(err.get("param").asText()).isEqualTo("glimpse.reduce");
        assertThat(err.get("type").asText()).isEqualTo("invalid_request_error");
        var temperature = llava.postJson("/v1/chat/completions", """
                {"messages":[{"role":"user","content":"hi"}],"temperature":7}""");
        assertThat(Json.MAPPER.readTree(temperature.body()).at("/error/param").asText()).isEqualTo("temperature");
    }

    @Test
    void aStopStringEndsTheAnswerBeforeIt() {
        String full = client.chat().completions().create(imageQuestion("What is this?", 8).build())
                .choices().getFirst().message().content().orElseThrow();
        String stop = full.substring(full.length() / 2, full.length() / 2 + 1);
        ChatCompletion c = client.chat().completions().create(imageQuestion("What is this?", 8).stop(stop).build());
        assertThat(c.choices().getFirst().message().content().orElseThrow()).isEqualTo(full.substring(0, full.indexOf(stop)));
        assertThat(c.choices().getFirst().finishReason().asString()).isEqualTo("stop");
    }
}
