package io.glimpse.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The server-sent-events side of one response: {@code data: JSON} events ending with {@code data: [DONE]}. The
 * stream opens (status 200) at the first event, so errors before it are still plain 4xx responses; a failed write
 * marks the client gone instead of throwing.
 */
final class EventStream {
    private final Context ctx;
    private OutputStream out;
    private boolean gone;
    private boolean opened;

    EventStream(Context ctx) {
        this.ctx = ctx;
    }

    boolean open() {
        return out != null;
    }

    /** True exactly once: for the event that opens the stream (a chat chunk carries the role there). */
    boolean opening() {
        if (opened) {
            return false;
        }
        opened = true;
        return true;
    }

    boolean gone() {
        return gone;
    }

    void send(ObjectNode event) {
        write("data: " + Json.write(event) + "\n\n");
    }

    /**
     * Ends a stream whose generation stopped early: nothing more for a client that left; a timeout before the stream
     * opened is thrown as its plain 4xx, after it an error event and the end of the stream.
     */
    void halted(ChatEngine.Halted e, ApiException timeout) {
        if (e.getMessage().equals("client")) {
            return;
        }
        if (!open()) {
            throw timeout;
        }
        send(Json.MAPPER.createObjectNode().set("error", Json.MAPPER.createObjectNode()
                .put("message", timeout.getMessage()).put("type", "timeout_error")));
        done();
    }

    void done() {
        write("data: [DONE]\n\n");
    }

    private void write(String s) {
        if (gone) {
            return;
        }
        try {
            if (out == null) {
                ctx.status(200);
                ctx.res().setContentType("text/event-stream");
                ctx.res().setCharacterEncoding("utf-8");
                ctx.res().setHeader("Cache-Control", "no-cache");
                out = ctx.res().getOutputStream();
            }
            out.write(s.getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            gone = true;
        }
    }
}
