package io.glimpse.spark;

import io.glimpse.io.Scratch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A task's scratch folder in the JVM's temporary folder, removed with its contents on close; a {@link Scratch}
 * folder, so one left by a killed task goes at the JVM's exit, or by a later JVM's sweep when the JVM was killed.
 */
final class TempFolder implements AutoCloseable {
    private final Path dir;

    private TempFolder(Path dir) {
        this.dir = dir;
    }

    /** @param name what the folder is for; its name starts with it */
    static TempFolder create(String name) throws IOException {
        return new TempFolder(Scratch.directory(Path.of(System.getProperty("java.io.tmpdir")).resolve(name)));
    }

    Path path() {
        return dir;
    }

    @Override
    public void close() throws IOException {
        List<Path> all;
        try (Stream<Path> s = Files.walk(dir)) {
            all = s.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path p : all) {
            Files.deleteIfExists(p);
        }
        Scratch.release(dir);
    }
}
