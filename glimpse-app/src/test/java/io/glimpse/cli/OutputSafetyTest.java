package io.glimpse.cli;

import io.glimpse.job.PlanOutputs;
import io.glimpse.media.SyntheticVideo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code plan --out} never deletes or overwrites a file Glimpse did not write. */
class OutputSafetyTest {
    @TempDir
    static Path shared;
    static byte[] videoBytes;

    @TempDir
    Path dir;

    @BeforeAll
    static void makeVideo() throws Exception {
        Path v = new SyntheticVideo(new SyntheticVideo.Spec(160, 90, 5, List.of(3.0, 3.0),
                List.of(SyntheticVideo.TransitionKind.CUT), 1.0, 5)).write(shared.resolve("v.mp4"));
        videoBytes = Files.readAllBytes(v);
    }

    private Path videoIn(Path folder) throws Exception {
        Files.createDirectories(folder);
        Path v = folder.resolve("clip.mp4");
        Files.write(v, videoBytes);
        return v;
    }

    private static InProcess.Run plan(Path video, String out) {
        return InProcess.glimpse("plan", video.toString(), "--budget", "800", "--target", "gpt-4o", "--out", out);
    }

    private static List<String> names(Path folder) throws Exception {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void outNamingTheFolderOfTheInputKeepsTheVideoAndItsNeighbours() throws Exception {
        Path folder = dir.resolve("footage");
        Path video = videoIn(folder);
        Path canary = Files.writeString(folder.resolve("notes.txt"), "mine");
        InProcess.Run r = plan(video, folder.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(GlimpseCli.BAD_INPUT);
        assertThat(r.err()).contains(folder.toString()).contains("did not create");
        assertThat(Files.readAllBytes(video)).isEqualTo(videoBytes);
        assertThat(Files.readString(canary)).isEqualTo("mine");
        assertThat(names(folder)).containsExactly("clip.mp4", "notes.txt");
        assertThat(names(dir)).containsExactly("footage");
    }

    @Test
    void outDotAndEmptyNameTheWorkingDirectoryAndAreRefused() throws Exception {
        // The working directory of the test JVM is the module folder, which is certainly not ours and not empty.
        Path cwd = Path.of("").toAbsolutePath();
        List<String> before = names(cwd);
        for (String out : List.of(".", "", "./")) {
            InProcess.Run r = plan(videoIn(dir.resolve("in")), out);
            assertThat(r.code()).as("--out '%s': %s", out, r.err()).isEqualTo(GlimpseCli.BAD_INPUT);
        }
        assertThat(names(cwd)).isEqualTo(before);
    }

    @Test
    void anEarlierPlanIsReplacedButAForeignFileInItStopsTheRun() throws Exception {
        Path video = videoIn(dir.resolve("in"));
        Path out = dir.resolve("plan");
        assertThat(plan(video, out.toString()).code()).isZero();
        assertThat(names(out)).contains(OutputDir.MARKER, PlanOutputs.PLAN_JSON, PlanOutputs.TOKENS, PlanOutputs.REPORT);
        Files.writeString(out.resolve(PlanOutputs.PLAN_JSON), "stale");
        InProcess.Run again = plan(video, out.toString());
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(Files.readString(out.resolve(PlanOutputs.PLAN_JSON))).isNotEqualTo("stale");

        Path canary = Files.writeString(out.resolve("my-edit.txt"), "keep me");
        InProcess.Run refused = plan(video, out.toString());
        assertThat(refused.code()).isEqualTo(GlimpseCli.BAD_INPUT);
        assertThat(refused.err()).contains("my-edit.txt");
        assertThat(Files.readString(canary)).isEqualTo("keep me");
        assertThat(names(dir)).containsExactlyInAnyOrder("in", "plan");
    }

    @Test
    void anEmptyFolderIsUsedAndAFileIsNeverReplaced() throws Exception {
        Path video = videoIn(dir.resolve("in"));
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThat(plan(video, empty.toString()).code()).isZero();
        assertThat(names(empty)).contains(PlanOutputs.PLAN_JSON);

        InProcess.Run onFile = plan(video, video.toString());
        assertThat(onFile.code()).isEqualTo(GlimpseCli.BAD_INPUT);
        assertThat(Files.readAllBytes(video)).isEqualTo(videoBytes);
    }
}
