package io.glimpse.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * An output directory filled under a temporary name and moved into place only when complete, so a failed run
 * leaves nothing behind and a successful one replaces the previous output whole.
 */
final class OutputDir implements AutoCloseable {
    private final Path target;
    private final Path staging;
    private boolean committed;

    private OutputDir(Path target, Path staging) {
        this.target = target;
        this.staging = staging;
    }

    static OutputDir stage(Path target) throws IOException {
        Path abs = target.toAbsolutePath().normalize();
        if (Files.exists(abs) && !Files.isDirectory(abs)) {
            throw new IllegalArgumentException(target + ": exists and is not a directory");
        }
        Files.createDirectories(abs.getParent());
        Path staging = Files.createTempDirectory(abs.getParent(), "." + abs.getFileName() + ".partial-");
        // Temporary directories are private; the finished output is an ordinary directory others may read.
        if (staging.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(staging, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return new OutputDir(abs, staging);
    }

    Path resolve(String name) {
        return staging.resolve(name);
    }

    Path target() {
        return target;
    }

    void commit() throws IOException {
        if (Files.exists(target)) {
            deleteTree(target);
        }
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        committed = true;
    }

    @Override
    public void close() throws IOException {
        if (!committed) {
            deleteTree(staging);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
