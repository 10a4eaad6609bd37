package io.glimpse.job;

import io.glimpse.server.ChatEngine;
import io.glimpse.server.GlimpseServer;
import io.glimpse.server.ServeOptions;

import java.io.IOException;
import java.nio.file.Path;

/** The job behind {@code glimpse serve}: load the model once, then serve until the server is closed. */
public final class ServeJob {
    private ServeJob() {
    }

    /**
     * @param model checkpoint folder, or null to serve planning only
     * @return the running server; closing it stops it and releases the model
     */
    public static GlimpseServer start(Path model, ServeOptions options) throws IOException {
        ChatEngine engine = model == null ? null : ChatEngine.load(model, options);
        try {
            return GlimpseServer.start(options, engine);
        } catch (IOException | RuntimeException e) {
            if (engine != null) {
                engine.close();
            }
            throw e;
        }
    }
}
