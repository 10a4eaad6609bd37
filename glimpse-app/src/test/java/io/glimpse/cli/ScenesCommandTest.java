package io.glimpse.cli;

import static io.glimpse.cli.InProcess.glimpse;
import static org.assertj.core.api.Assertions.assertThat;

import io.glimpse.media.SyntheticVideo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenesCommandTest {
    @TempDir
    static Path dir;
    static Path video;

    /** Three scenes cut at 2.3 s and 4.6 s (frames 23 and 46 at 10 fps), 6.9 s in all. */
    @BeforeAll
    static void makeVideo() throws Exception {
        video = new SyntheticVideo(SyntheticVideo.Spec.hardCuts(192, 108, 10, 3, 2.3, 4)).write(dir.resolve("c.mp4"));
    }

    @Test
    void listEdlStatsAndImagesDescribeTheScenesOnTheExactFrames() throws Exception {
        Path list = dir.resolve("scenes.csv");
        Path edl = dir.resolve("cuts.edl");
        Path stats = dir.resolve("stats.csv");
        Path images = dir.resolve("images");
        InProcess.Run r = glimpse("scenes", video.toString(), "--fps", "1", "--list", list.toString(), "--edl",
                edl.toString(), "--stats", stats.toString(), "--images", "2", "-o", images.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("scene 2: 00:00:02.300 - 00:00:04.600 (frames 23-45)");
        List<String> rows = Files.readAllLines(list);
        assertThat(rows.get(0)).isEqualTo("Timecode List:,00:00:02.300,00:00:04.600");
        assertThat(rows).hasSize(5);
        assertThat(rows.get(2)).startsWith("1,1,00:00:00.000,0.000,23,00:00:02.300,2.300,23,");
        assertThat(rows.get(3)).startsWith("2,24,00:00:02.300,2.300,46,00:00:04.600,4.600,23,");
        List<String> events = Files.readAllLines(edl).stream().filter(l -> l.matches("^\\d{3} .*")).toList();
        assertThat(events).hasSize(3);
        assertThat(events.get(1)).contains("00:00:02:03 00:00:04:06");
        // One row per sample at 1 fps, and the cut samples score high.
        List<String> samples = Files.readAllLines(stats);
        assertThat(samples).hasSize(1 + 7);
        double atCut = Double.parseDouble(samples.get(1 + 3).split(",")[3]);
        double inScene = Double.parseDouble(samples.get(1 + 2).split(",")[3]);
        assertThat(atCut).isGreaterThan(0.3).isGreaterThan(inScene);
        try (var s = Files.list(images)) {
            assertThat(s.filter(p -> p.getFileName().toString().endsWith(".png")).count()).isEqualTo(6);
        }
    }

    private static String[] args(String... options) {
        String[] args = new String[options.length + 2];
        args[0] = "scenes";
        args[1] = video.toString();
        System.arraycopy(options, 0, args, 2, options.length);
        return args;
    }

    @Test
    void existingFilesAndBadOptionsAreRefusedWithExitTwo() throws Exception {
        Path mine = Files.writeString(dir.resolve("notes.csv"), "my own notes\n");
        InProcess.Run r = glimpse("scenes", video.toString(), "--list", mine.toString());
        assertThat(r.code()).isEqualTo(GlimpseCli.BAD_INPUT);
        assertThat(r.err().strip()).doesNotContain("\n").contains("notes.csv").contains("exists");
        assertThat(Files.readString(mine)).isEqualTo("my own notes\n");
        for (String[] bad : List.of(new String[] {"--method", "histogram"}, new String[] {"--threshold", "2"},
                new String[] {"--fps", "0"}, new String[] {"--method", "tdc", "--threshold", "0.5"},
                new String[] {"--cuts", "2"}, new String[] {"--method", "tdc", "--cuts", "0"})) {
            InProcess.Run run = glimpse(args(bad));
            assertThat(run.code()).as(String.join(" ", bad)).isEqualTo(GlimpseCli.BAD_INPUT);
            assertThat(run.err().strip()).as(String.join(" ", bad)).doesNotContain("\n");
        }
        // Options that exclude or need each other are usage errors.
        assertThat(glimpse(args("--fps", "2", "--every-frame")).code()).isEqualTo(GlimpseCli.USAGE);
        assertThat(glimpse(args("--images", "2")).code()).isEqualTo(GlimpseCli.USAGE);
        assertThat(glimpse("scenes", dir.resolve("absent.mp4").toString()).code()).isEqualTo(GlimpseCli.BAD_INPUT);
        assertThat(glimpse("scenes", "--help").code()).isZero();
    }

    /** TDC's top-K mode: exactly the K strongest transitions, so asking for fewer cuts than there are drops the weakest. */
    @Test
    void tdcWithACutCountFindsThatManyCuts() throws Exception {
        for (int k : new int[] {1, 2}) {
            InProcess.Run r = glimpse("scenes", video.toString(), "--fps", "2", "--method", "tdc", "--cuts", String.valueOf(k));
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out().lines().filter(l -> l.startsWith("scene "))).as(r.out()).hasSize(k + 1);
        }
    }
}
