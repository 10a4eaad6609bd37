package io.glimpse.cli;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * A child {@code glimpse} (this test's classes, a JVM of its own) sent SIGINT or SIGTERM while an output is being
 * written leaves no temporary file or folder of ours behind: while demo encodes its sample video into a
 * {@code .part} file, and while plan fills its {@code .partial-} folder.
 */
class InterruptTest {
    @TempDir
    Path dir;

    private static Process glimpse(Path log, String... args) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                GlimpseCli.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Waits until a file whose name {@code matches} appears in {@code folder}, or the process ends. */
    private static Optional<Path> await(Process p, Path folder, java.util.function.Predicate<String> matches)
            throws IOException, InterruptedException {
        while (p.isAlive()) {
            if (Files.isDirectory(folder)) {
                try (Stream<Path> s = Files.list(folder)) {
                    Optional<Path> hit = s.filter(f -> matches.test(f.getFileName().toString())).findFirst();
                    if (hit.isPresent()) {
                        return hit;
                    }
                }
            }
            Thread.sleep(5);
        }
        return Optional.empty();
    }

    /** SIGINT is ignored by processes started in the background of a shell without job control; the JVM keeps that. */
    private static boolean sigintIgnored() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("SigIgn:"))
                .map(l -> new BigInteger(l.substring(7).strip(), 16).testBit(1)).findFirst().orElse(false);
    }

    private static void signal(Process p, String sig) throws Exception {
        new ProcessBuilder("kill", "-" + sig, Long.toString(p.pid())).inheritIO().start().waitFor();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("glimpse did not exit on SIG" + sig);
        }
    }

    private static List<String> ours(Path folder) throws IOException {
        try (Stream<Path> s = Files.walk(folder)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".part") || n.contains(".partial-")).toList();
        }
    }

    @ParameterizedTest
    @CsvSource({"INT", "TERM"})
    void demoInterruptedWhileWritingItsSampleVideo(String sig) throws Exception {
        assumeFalse(sig.equals("INT") && sigintIgnored(), "SIGINT is ignored by this process and so by its children");
        Path out = dir.resolve("demo");
        Process p = glimpse(dir.resolve("log"), "demo", "--seconds", "600", "--out", out.toString());
        Optional<Path> part = await(p, out, n -> n.endsWith(".part"));
        assertThat(part).as(Files.exists(dir.resolve("log")) ? Files.readString(dir.resolve("log")) : "").isPresent();
        signal(p, sig);
        assertThat(ours(out)).as(Files.readString(dir.resolve("log"))).isEmpty();
        assertThat(part.get()).doesNotExist();
    }

    @ParameterizedTest
    @CsvSource({"INT", "TERM"})
    void planInterruptedWhileFillingItsFolder(String sig) throws Exception {
        assumeFalse(sig.equals("INT") && sigintIgnored(), "SIGINT is ignored by this process and so by its children");
        Path video = new io.glimpse.media.SyntheticVideo(io.glimpse.media.SyntheticVideo.Spec.hardCuts(320, 180, 25, 12, 5.0, 7))
                .write(dir.resolve("long.mp4"));
        Path out = dir.resolve("plan");
        Process p = glimpse(dir.resolve("log"), "plan", video.toString(), "--budget", "4000", "--target", "gpt-4o",
                "--out", out.toString());
        Optional<Path> staging = await(p, dir, n -> n.startsWith(".plan.partial-"));
        assertThat(staging).as(Files.exists(dir.resolve("log")) ? Files.readString(dir.resolve("log")) : "").isPresent();
        signal(p, sig);
        assertThat(ours(dir)).as(Files.readString(dir.resolve("log"))).isEmpty();
        assertThat(out).doesNotExist();
    }
}
