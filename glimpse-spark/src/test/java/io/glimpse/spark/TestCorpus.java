package io.glimpse.spark;

import io.glimpse.media.SyntheticVideo;
import io.glimpse.media.SyntheticVideo.TransitionKind;
import io.glimpse.testkit.Fixtures;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The generated corpus the Spark tests share: twelve small videos (cuts, fades, still single scenes), a second copy of
 * one of them, two files that are not videos and a hidden file; written once per test JVM.
 */
final class TestCorpus {
    static final CorpusOptions OPTIONS = CorpusOptions.plan(1200, "llava-onevision", "clips", 2, null, "tmerge");
    static final int VIDEOS = 12;
    static final List<String> CORRUPT = List.of("v05-garbage.mp4", "v09-empty.mp4");

    private static Path dir;

    private TestCorpus() {
    }

    static synchronized Path dir() {
        if (dir == null) {
            try {
                dir = write(Files.createTempDirectory("glimpse-corpus-test-"));
                Path written = dir;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(written)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return dir;
    }

    /**
     * glimpse-core's tiny CLIP fixture with the WordLevel tokenizer of glimpse-app's similarity tests, which spells
     * "photo of mountains" as the ids of the fixture's text goldens; a fresh folder, so a fresh key of
     * {@link LoadedModels}.
     */
    static Path clipWithTokenizer(Path model) throws IOException {
        Files.createDirectories(model);
        for (String f : List.of("config.json", "model.safetensors", "preprocessor_config.json")) {
            Files.copy(Fixtures.path("vision/clip").resolve(f), model.resolve(f));
        }
        try (InputStream in = TestCorpus.class.getClassLoader().getResourceAsStream("fixtures/similarity/tokenizer.json")) {
            if (in == null) {
                throw new IllegalStateException("glimpse-app's test-jar is not on the class path");
            }
            Files.copy(in, model.resolve("tokenizer.json"));
        }
        return model;
    }

    /** The twelve videos in sorted order. */
    static List<Path> videos() {
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < VIDEOS; i++) {
            out.add(dir().resolve(name(i)));
        }
        return out;
    }

    private static String name(int i) {
        return String.format("v%02d.mp4", i);
    }

    private static void delete(Path d) {
        try (var files = Files.walk(d)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // the temp folder stays; nothing else depends on it
        }
    }

    private static Path write(Path d) throws IOException {
        for (int i = 0; i < VIDEOS; i++) {
            SyntheticVideo.Spec spec = switch (i % 3) {
                case 0 -> SyntheticVideo.Spec.hardCuts(160, 90, 10, 2 + i % 2, 1.5, i);
                case 1 -> new SyntheticVideo.Spec(160, 90, 10, List.of(1.5, 1.5, 1.5),
                        List.of(TransitionKind.CUT, TransitionKind.FADE), 0.5, i);
                default -> SyntheticVideo.Spec.hardCuts(160, 90, 10, 1, 3, i);
            };
            new SyntheticVideo(spec).write(d.resolve(name(i)));
        }
        Files.copy(d.resolve(name(0)), d.resolve("w-copy-of-v00.mp4"));
        Files.writeString(d.resolve(CORRUPT.get(0)), "this is not a video, only text with a video's name");
        Files.write(d.resolve(CORRUPT.get(1)), new byte[0]);
        Files.writeString(d.resolve(".hidden.mp4"), "never listed");
        return d;
    }
}
