package io.glimpse.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that closes its connection in the middle of a streamed answer stops the generation: the request notices at
 * the next token it handles (a failed write, or the reset its non-blocking read sees), the decode scheduler lets the
 * sequence go before the next step, and it never runs more than {@link DecodeScheduler#AHEAD} tokens ahead of the
 * request. So once the client has closed, the abandoned answer takes a few more decode steps at most, however the
 * threads happen to be scheduled, instead of running on to its limit as the same question does when nobody leaves.
 * Seen from /metrics: the decode rows counted after the close, and the halt counted as the client's.
 */
class ServeDisconnectTest {
    private static final int MAX_TOKENS = 400;
    private static final String QUESTION = "Tell me a long story.";

    static LiveServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new LiveServer(LiveServer.LLAVA15, LiveServer.options(1, 0, MAX_TOKENS, null, 0));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static ObjectNode chat(boolean stream) {
        ObjectNode body = Json.MAPPER.createObjectNode().put("max_tokens", MAX_TOKENS).put("stream", stream);
        body.putArray("messages").addObject().put("role", "user").put("content", QUESTION);
        return body;
    }

    private static double rows() throws Exception {
        return server.metric("glimpse_decode_rows_total");
    }

    /** Waits (bounded) until no generation runs, so every decode step of the last one is counted. */
    private static void awaitIdle() throws Exception {
        for (int i = 0; i < 3000 && server.metric("glimpse_active_generations") > 0; i++) {
            Thread.sleep(10);
        }
        assertThat(server.metric("glimpse_active_generations")).as("the generation ended").isZero();
    }

    @Test
    void aClientThatClosesAfterTheFirstChunkStopsItsGenerationWithinAFewSteps() throws Exception {
        double before = rows();
        var whole = server.postJson("/v1/chat/completions", Json.write(chat(false)));
        assertThat(whole.statusCode()).as(whole.body()).isEqualTo(200);
        JsonNode c = Json.MAPPER.readTree(whole.body());
        assertThat(c.at("/choices/0/finish_reason").asText()).as("nobody leaves: the answer runs to its limit").isEqualTo("length");
        int tokens = c.at("/usage/completion_tokens").asInt();
        assertThat(rows() - before).as("one step per token after the first").isEqualTo(tokens - 1);

        double start = rows();
        byte[] body = Json.write(chat(true)).getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("127.0.0.1", server.server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            assertThat(in.readLine()).startsWith("HTTP/1.1 200");
            String line;
            do {
                line = in.readLine();
            } while (line != null && !line.startsWith("data: {"));
            assertThat(line).as("a first chunk arrived").isNotNull();
        }
        double closed = rows();
        awaitIdle();
        assertThat(server.metric("glimpse_generations_halted_total{reason=\"client\"}")).isEqualTo(1);
        // At the close the request had taken some k tokens (the scheduler had stepped at least k - 1); it notices at
        // token k or k + 1, by when the scheduler may have chosen AHEAD more: k + 1 + AHEAD tokens, one step fewer.
        assertThat(rows() - closed).as("decode steps after the close").isLessThanOrEqualTo(2 + DecodeScheduler.AHEAD);
        assertThat(rows() - start).as("decode steps of the abandoned answer").isLessThan(tokens - 1);
    }
}
