package io.glimpse.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionChoice;
import com.openai.models.completions.CompletionCreateParams;
import io.glimpse.job.CompleteJob;
import io.glimpse.lm.Generation;
import io.glimpse.lm.KvCache;
import io.glimpse.lm.Sampler;
import io.glimpse.llava.LlavaModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code POST /v1/completions} through the official openai-java client on a live server over the tiny LLaVA-1.5
 * checkpoint (a Qwen2 decoder with a byte-level BPE tokenizer) and its GGUF conversion: token by token as plain
 * decoding gives it, byte by byte as {@code glimpse complete} does.
 */
class ServeCompletionsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path GGUF = LiveServer.FIXTURES.resolve("gguf/llava15-lm-f32.gguf");
    static final String PROMPT = "What is th";

    static LiveServer server;
    static OpenAIClient client;
    static LlavaModel model;
    static CompleteJob.Model bytes;

    @BeforeAll
    static void start() throws Exception {
        server = new LiveServer(LiveServer.LLAVA15, LiveServer.options(1, 8, 64, null, 64 << 20));
        client = OpenAIOkHttpClient.builder().baseUrl(server.base() + "/v1").apiKey("unused").maxRetries(0).build();
        model = LlavaModel.load(LiveServer.LLAVA15);
        bytes = CompleteJob.Model.of(LiveServer.LLAVA15, model.decoder(), model.tokenizer());
    }

    @AfterAll
    static void stop() {
        server.close();
        model.close();
    }

    static CompletionCreateParams.Builder request(int maxTokens) {
        return CompletionCreateParams.builder().model("llava15").prompt(PROMPT).maxTokens(maxTokens).temperature(0.0);
    }

    static CompletionCreateParams.Builder byteLevel(CompletionCreateParams.Builder b, Map<String, Object> glimpse) {
        return b.putAdditionalBodyProperty("glimpse", JsonValue.from(glimpse));
    }

    static CompleteJob.Result expected(int maxBytes, double temperature, double topP, long seed) {
        return CompleteJob.generate(List.of(bytes), new CompleteJob.Options(PROMPT.getBytes(StandardCharsets.UTF_8),
                maxBytes, temperature, topP, seed, 0), s -> { });
    }

    static String expectedBytes(int maxBytes, double temperature, double topP, long seed) {
        return new String(expected(maxBytes, temperature, topP, seed).completion(), StandardCharsets.UTF_8);
    }

    @Test
    void withoutByteLevelItDecodesTokenByTokenFromThePrompt() {
        int[] ids = model.tokenizer().encode(PROMPT, true);
        KvCache cache = model.decoder().newCache(ids.length + 6);
        int[] positions = new int[ids.length];
        Arrays.setAll(positions, i -> i);
        float[] first = model.decoder().forward(cache, model.decoder().embed(ids), positions, 1);
        Generation g = Generation.run(model.decoder(), cache, first, 6, Sampler.greedy(), model.tokenizer().size(),
                model.template().stopIds(model.tokenizer()), t -> { });
        Completion c = client.completions().create(request(6).build());
        assertThat(c.choices()).hasSize(1);
        assertThat(c.choices().get(0).text()).isEqualTo(model.tokenizer().decode(g.tokens(), true));
        assertThat(c.choices().get(0).finishReason()).isEqualTo(g.stopped() ? CompletionChoice.FinishReason.STOP
                : CompletionChoice.FinishReason.LENGTH);
        assertThat(c.usage().orElseThrow().promptTokens()).isEqualTo(ids.length);
        assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(g.tokens().length);
        assertThat(c._additionalProperties()).doesNotContainKey("glimpse");
    }

    @Test
    void byteLevelAnswersAreGlimpseCompletesOnTheSamePromptAndSeed() {
        Completion greedy = client.completions().create(byteLevel(request(12), Map.of("byte_level", true)).build());
        assertThat(greedy.choices().get(0).text()).isEqualTo(expectedBytes(12, 0, 1, 0));
        assertThat(greedy.usage().orElseThrow().promptTokens()).isEqualTo(PROMPT.length());
        Completion sampled = client.completions().create(byteLevel(request(12).temperature(1.3).topP(0.95).seed(11),
                Map.of("byte_level", true)).build());
        String expected = expectedBytes(12, 1.3, 0.95, 11);
        assertThat(sampled.choices().get(0).text()).isEqualTo(expected);
        assertThat(expected).isNotEqualTo(expectedBytes(12, 1.3, 0.95, 12));
        assertThat(sampled.usage().orElseThrow().completionTokens()).isEqualTo(expected(12, 1.3, 0.95, 11).completion().length);
    }

    @Test
    void streamedChunksJoinToTheWholeAnswerAndEndWithUsage() {
        String whole = client.completions().create(byteLevel(request(10), Map.of("byte_level", true)).build()).choices().get(0).text();
        StringBuilder joined = new StringBuilder();
        List<CompletionChoice.FinishReason> reasons = new ArrayList<>();
        long[] usage = {-1};
        try (StreamResponse<Completion> s = client.completions().createStreaming(byteLevel(request(10), Map.of("byte_level", true))
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            s.stream().forEach(c -> {
                c.usage().ifPresent(u -> usage[0] = u.completionTokens());
                for (CompletionChoice choice : c.choices()) {
                    joined.append(choice.text());
                    choice._finishReason().asKnown().ifPresent(reasons::add);
                }
            });
        }
        assertThat(joined.toString()).isEqualTo(whole);
        assertThat(reasons).hasSize(1);
        assertThat(usage[0]).isEqualTo(whole.getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void aStreamEndsWithDone() throws Exception {
        HttpResponse<String> r = server.postJson("/v1/completions", """
                {"prompt":"the ca","max_tokens":3,"stream":true}""");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/event-stream");
        assertThat(r.body()).endsWith("data: [DONE]\n\n");
        assertThat(r.body()).contains("\"object\":\"text_completion\"");
    }

    @Test
    void showProbsListsTheMostProbableNextBytesOfEveryStep() throws Exception {
        Completion c = client.completions().create(byteLevel(request(6), Map.of("byte_level", true, "show_probs", 3)).build());
        String text = c.choices().get(0).text();
        JsonNode steps = JSON.readTree(JSON.writeValueAsString(c._additionalProperties().get("glimpse"))).path("steps");
        java.io.ByteArrayOutputStream chosen = new java.io.ByteArrayOutputStream();
        for (JsonNode step : steps) {
            JsonNode top = step.path("top");
            assertThat(top.size()).isBetween(1, 3);
            assertThat(step.path("code").asInt()).isEqualTo(top.path(0).path("code").asInt());
            assertThat(step.path("p").asDouble()).isCloseTo(top.path(0).path("p").asDouble(), within(1e-12));
            if (step.path("code").asInt() < CompleteJob.END) {
                chosen.write(step.path("code").asInt());
            }
        }
        assertThat(chosen.toString(StandardCharsets.UTF_8)).isEqualTo(text);
        assertThat(steps.size()).isBetween(text.getBytes(StandardCharsets.UTF_8).length, text.getBytes(StandardCharsets.UTF_8).length + 1);
    }

    @Test
    void aStopStringEndsTheByteLevelAnswerBeforeIt() {
        String free = expectedBytes(12, 0, 1, 0);
        String stop = free.substring(3, 5);
        Completion c = client.completions().create(byteLevel(request(12).stop(stop), Map.of("byte_level", true)).build());
        assertThat(c.choices().get(0).text()).isEqualTo(free.substring(0, free.indexOf(stop)));
        assertThat(c.choices().get(0).finishReason()).isEqualTo(CompletionChoice.FinishReason.STOP);
        String tokens = client.completions().create(request(8).build()).choices().get(0).text();
        String tokenStop = tokens.substring(4, 6);
        Completion cut = client.completions().create(request(8).stop(tokenStop).build());
        assertThat(cut.choices().get(0).text()).isEqualTo(tokens.substring(0, tokens.indexOf(tokenStop)));
        assertThat(cut.choices().get(0).finishReason()).isEqualTo(CompletionChoice.FinishReason.STOP);
    }

    @Test
    void aGgufServerReadsItsOwnTokenizerByteByByte() throws Exception {
        try (LiveServer gguf = new LiveServer(GGUF, LiveServer.FIXTURES.resolve("gguf/llava15-mmproj-f32.gguf"),
                LiveServer.options(1, 1, 64, null, 0));
             CompleteJob.Model fromFile = CompleteJob.Model.load(GGUF)) {
            HttpResponse<String> r = gguf.postJson("/v1/completions", """
                    {"prompt":"What is th","max_tokens":10,"glimpse":{"byte_level":true}}""");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            CompleteJob.Result expected = CompleteJob.generate(List.of(fromFile), new CompleteJob.Options(
                    PROMPT.getBytes(StandardCharsets.UTF_8), 10, 0, 1, 0, 0), s -> { });
            assertThat(JSON.readTree(r.body()).path("choices").path(0).path("text").asText())
                    .isEqualTo(new String(expected.completion(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void badValuesAreA400NamingTheField() throws Exception {
        assertBad("""
                {"max_tokens":3}""", "prompt", "prompt must be a string");
        assertBad("""
                {"prompt":"hi","glimpse":{"byte_levl":true}}""", "glimpse.byte_levl", "byte_level, show_probs");
        assertBad("""
                {"prompt":"hi","glimpse":{"byte_level":true,"frames":4}}""", "glimpse.frames", "not an option here");
        assertBad("""
                {"prompt":"hi","glimpse":{"byte_level":"yes"}}""", "glimpse.byte_level", "glimpse.byte_level must be true or false");
        assertBad("""
                {"prompt":"hi","glimpse":{"show_probs":3}}""", "glimpse.show_probs", "needs glimpse.byte_level true");
        assertBad("""
                {"prompt":"hi","glimpse":{"byte_level":true,"show_probs":0}}""", "glimpse.show_probs", "integer in [1, 257]");
        assertBad("""
                {"prompt":"hi","max_tokens":0}""", "max_tokens", "max_tokens must be an integer in [1, 64]");
        assertBad("""
                {"prompt":"hi","temperature":3}""", "temperature", "temperature must be a number in [0.0, 2.0]");
        assertBad("""
                {"prompt":"hi","n":2}""", "n", "n must be 1");
        assertBad("""
                {"prompt":"hi","echo":true}""", "echo", "echo is not supported");
        assertBad("""
                {"prompt":"hi","logprobs":2}""", "logprobs", "glimpse.show_probs");
        assertBad("""
                {"prompt":"hi\\ud800","glimpse":{"byte_level":true}}""", "prompt", "unpaired surrogate at character 2");
        assertBad("""
                {"prompt":["a","b"]}""", "prompt", "an array holding one string");
        assertThatThrownBy(() -> client.completions().create(byteLevel(request(3), Map.of("byte_level", 1)).build()))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("glimpse.byte_level must be true or false");
    }

    private static void assertBad(String body, String param, String message) throws Exception {
        HttpResponse<String> r = server.postJson("/v1/completions", body);
        assertThat(r.statusCode()).as(body + " -> " + r.body()).isEqualTo(400);
        JsonNode err = JSON.readTree(r.body()).path("error");
        assertThat(err.path("param").asText()).as(body).isEqualTo(param);
        assertThat(err.path("message").asText()).as(body).contains(message);
    }
}
