package io.glimpse.cli;

import io.glimpse.io.SafeTensors;
import io.glimpse.io.TensorData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.glimpse.cli.InProcess.glimpse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Output locations a user can name by mistake or by circumstance: each is bad input (exit 2) with one line naming
 * the path given and the problem, and leaves no temporary file of ours behind.
 */
class OutputLocationsTest {
    @TempDir
    Path dir;

    private final List<Path> mounts = new ArrayList<>();

    @AfterEach
    void unmount() throws Exception {
        for (Path m : mounts) {
            new ProcessBuilder("umount", m.toString()).inheritIO().start().waitFor();
        }
    }

    /** A tmpfs at {@code at} with the given mount options, or a skipped test where this process cannot mount. */
    private Path tmpfs(String name, String options) throws Exception {
        Path at = Files.createDirectories(dir.resolve(name));
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", options, "tmpfs", at.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assumeTrue(p.waitFor() == 0, "cannot mount a tmpfs here (needs root): " + log.strip());
        mounts.add(at);
        return at;
    }

    private Path tokens(int t, int n, int d) throws Exception {
        Path f = dir.resolve("feats-" + t + "x" + n + "x" + d + ".safetensors");
        SafeTensors.write(f, List.of(TensorData.ofFloats("last_hidden_state", ReduceCommandTest.features(t, n, d, 3), t, n, d)), Map.of());
        return f;
    }

    private InProcess.Run reduceTo(Path out) throws Exception {
        return glimpse("reduce", tokens(2, 16, 8).toString(), "--pipeline", "tome:keep=0.5", "-o", out.toString());
    }

    private static List<String> leftovers(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".part") || n.contains(".partial-")).toList();
        }
    }

    private static void assertBadInput(InProcess.Run r, Path given, String problem) {
        assertThat(r.code()).as(r.err()).isEqualTo(GlimpseCli.BAD_INPUT);
        assertThat(r.err().lines().toList()).hasSize(1);
        assertThat(r.err()).contains("writing " + given + ": ").contains(problem).doesNotContain(".part")
                .doesNotContain("internal error");
    }

    @Test
    void anExistingDirectoryIsNotReplacedByAFile() throws Exception {
        Path out = Files.createDirectories(dir.resolve("out.safetensors"));
        assertBadInput(reduceTo(out), out, "is a directory");
        assertThat(out).isEmptyDirectory();
        assertThat(leftovers(dir)).isEmpty();
    }

    @Test
    void aParentThatIsARegularFileIsNamed() throws Exception {
        Path file = Files.writeString(dir.resolve("notes.txt"), "mine");
        Path out = file.resolve("sub").resolve("out.safetensors");
        assertBadInput(reduceTo(out), out, file + " is not a directory");
        assertThat(file).hasContent("mine");
    }

    @Test
    void aNameTooLongForTheFilesystemIsBadInput() throws Exception {
        Path out = dir.resolve("x".repeat(300) + ".safetensors");
        assertBadInput(reduceTo(out), out, "name too long");
        assertThat(leftovers(dir)).isEmpty();
    }

    @Test
    void aPathUnderProcIsBadInput() throws Exception {
        Path out = Path.of("/proc/self/out.safetensors");
        assertBadInput(reduceTo(out), out, "proc");
    }

    @Test
    void aReadOnlyFilesystemIsBadInput() throws Exception {
        Path ro = tmpfs("ro", "ro,size=1m");
        Path out = ro.resolve("out.safetensors");
        assertBadInput(reduceTo(out), out, "read-only");
    }

    @Test
    void aFullDiskIsBadInputAndLeavesNoPartFile() throws Exception {
        Path small = tmpfs("small", "size=64k");
        Path out = small.resolve("out.safetensors");
        InProcess.Run r = glimpse("reduce", tokens(8, 576, 64).toString(), "--pipeline", "tome:keep=0.9",
                "-o", out.toString());
        assertBadInput(r, out, "no space left on device");
        try (Stream<Path> s = Files.list(small)) {
            assertThat(s.toList()).isEmpty();
        }
    }

    @Test
    void outputsHonourTheUmaskLikeAnyOtherFile() throws Exception {
        Path probe = Files.createFile(dir.resolve("probe"));
        Path out = dir.resolve("out.safetensors");
        assertThat(reduceTo(out).code()).isZero();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out)))
                .isEqualTo(PosixFilePermissions.toString(Files.getPosixFilePermissions(probe)));
    }

    @Test
    void staleScratchOfAGoneProcessIsSweptAndALiveOnesIsKept() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        long dead = gone.pid();
        Path staleDir = Files.createDirectories(dir.resolve(".out.safetensors.partial-" + dead + "-abc"));
        Files.writeString(staleDir.resolve("tokens.safetensors"), "half");
        Path staleFile = Files.writeString(dir.resolve(".out.safetensors." + dead + "-def.part"), "half");
        Path live = Files.writeString(dir.resolve(".out.safetensors.1-ghi.part"), "another run's");
        Path other = Files.writeString(dir.resolve(".other.safetensors." + dead + "-jkl.part"), "not this output's");
        Path foreign = Files.writeString(dir.resolve(".out.safetensors.partial-notes"), "user's");
        for (Path p : List.of(staleDir, staleFile, live, other, foreign)) {
            Files.setLastModifiedTime(p, java.nio.file.attribute.FileTime.fromMillis(0));
        }
        assertThat(reduceTo(dir.resolve("out.safetensors")).code()).isZero();
        assertThat(staleDir).doesNotExist();
        assertThat(staleFile).doesNotExist();
        assertThat(live).exists();
        assertThat(other).exists();
        assertThat(foreign).exists();
    }
}
