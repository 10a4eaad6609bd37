package io.glimpse.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code glimpse serve --model lm.gguf --mmproj mmproj.gguf}: the answers of the same weights as a checkpoint folder. */
class ServeGgufTest {
    private static final Path GGUF = LiveServer.FIXTURES.resolve("gguf");

    private static String answer(LiveServer s) throws Exception {
        HttpResponse<String> r = s.postJson("/v1/chat/completions", """
                {"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"%s"}},
                 {"type":"text","text":"What is this?"}]}],"max_tokens":8,"temperature":0}""".formatted(LiveServer.IMAGE.toUri()));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode reply = Json.MAPPER.readTree(r.body());
        return reply.at("/choices/0/message/content").asText();
    }

    @Test
    void ggufFilesAnswerAsTheCheckpointFolder() throws Exception {
        String expected;
        try (LiveServer folder = new LiveServer(LiveServer.LLAVA15, LiveServer.options(1, 1, 64, null, 0))) {
            expected = answer(folder);
        }
        try (LiveServer gguf = new LiveServer(GGUF.resolve("llava15-lm-f32.gguf"), GGUF.resolve("llava15-mmproj-f32.gguf"),
                LiveServer.options(1, 1, 64, null, 0))) {
            assertThat(expected).isNotBlank();
            assertThat(answer(gguf)).isEqualTo(expected);
        }
    }
}
