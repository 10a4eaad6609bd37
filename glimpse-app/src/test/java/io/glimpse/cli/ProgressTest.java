package io.glimpse.cli;

import io.glimpse.media.SyntheticVideo;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The progress bar follows stderr: a child plan run under {@code script} (util-linux; a pseudo-terminal) with stdout
 * redirected to a file still draws it, and with stderr redirected to a file writes no carriage return there.
 */
class ProgressTest {
    @TempDir
    Path dir;
    Path video;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "util-linux script is not installed");
        video = new SyntheticVideo(SyntheticVideo.Spec.hardCuts(160, 90, 10, 3, 4.0, 2)).write(dir.resolve("v.mp4"));
    }

    private static String quoted(Object s) {
        return "'" + s.toString().replace("'", "'\\''") + "'";
    }

    /** Runs plan in a pseudo-terminal with {@code redirect} appended to its command line; returns the terminal's text. */
    private String planInTerminal(String redirect) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        String cmd = String.join(" ", List.of(quoted(java), "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-cp", quoted(System.getProperty("java.class.path")),
                GlimpseCli.class.getName(), "plan", quoted(video), "--budget", "800", "--target", "gpt-4o", "--out",
                quoted(dir.resolve("out")), redirect));
        Process p = new ProcessBuilder("script", "-qec", cmd, "/dev/null").redirectErrorStream(true).start();
        p.getOutputStream().close();
        String terminal = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(terminal).isZero();
        return terminal;
    }

    @Test
    void stdoutToAFileKeepsTheBarOnTheTerminal() throws Exception {
        String terminal = planInTerminal("> " + quoted(dir.resolve("out.txt")));
        assertThat(terminal).contains("plan").contains("%").contains("\r");
        assertThat(dir.resolve("out.txt")).content().contains("wrote");
    }

    @Test
    void stderrToAFileGetsNoBar() throws Exception {
        planInTerminal("2> " + quoted(dir.resolve("err.log")));
        assertThat(Files.readString(dir.resolve("err.log"))).doesNotContain("\r").doesNotContain("%");
    }
}
