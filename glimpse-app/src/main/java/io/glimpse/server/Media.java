package io.glimpse.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A request's image or video as a file the decoders can open.
 *
 * @param file      inside an allowed directory, or a temporary file the server wrote (then {@code temporary})
 * @param sha256    hex digest of the file's bytes: the caches' key, so the same media under another name hits
 */
public record Media(MediaKind kind, Path file, String sha256, boolean temporary) implements AutoCloseable {
    /** Deletes the file if the server wrote it; a named file of the user is never touched. */
    @Override
    public void close() {
        if (temporary) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
