package io.glimpse.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * glimpse-core's test fixtures (tiny checkpoints with PyTorch goldens, test images) as files, for the tests of any
 * module: they come on the class path through glimpse-core's test-jar. Inside the reactor before packaging that is a
 * folder and the files are used in place; from the jar, {@code fixtures/} is copied out once per JVM into a temporary
 * folder removed at exit, as the loaders read files (memory-mapped safetensors, FFmpeg), not jar entries.
 */
public final class Fixtures {
    private static final String ROOT = "fixtures";
    private static Path extracted;

    private Fixtures() {
    }

    /** The fixture at {@code relative} under {@code fixtures/}, e.g. {@code vision/clip} or {@code llava/wide.png}. */
    public static Path path(String relative) {
        return root().resolve(relative);
    }

    private static synchronized Path root() {
        if (extracted != null) {
            return extracted;
        }
        URL marker = Fixtures.class.getClassLoader().getResource(ROOT + "/resize_fixtures.json");
        if (marker == null) {
            throw new IllegalStateException("glimpse-core's test fixtures are not on the class path (add its test-jar)");
        }
        try {
            URI uri = marker.toURI();
            if (uri.getScheme().equals("file")) {
                extracted = Path.of(uri).getParent();
            } else {
                try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
                    extracted = copy(jar.getPath(ROOT), Files.createTempDirectory("glimpse-fixtures"));
                }
            }
            return extracted;
        } catch (URISyntaxException e) {
            throw new IllegalStateException(marker + " is not a URI", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path copy(Path from, Path to) throws IOException {
        List<Path> entries;
        try (Stream<Path> walk = Files.walk(from)) {
            entries = walk.toList();
        }
        for (Path p : entries) {
            Path target = to.resolve(from.relativize(p).toString());
            if (Files.isDirectory(p)) {
                Files.createDirectories(target);
            } else {
                Files.copy(p, target);
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(to)));
        return to;
    }

    private static void delete(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // A temporary folder left behind at exit is no worse than the JVM's own temporary files.
        }
    }
}
