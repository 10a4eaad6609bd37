package io.glimpse.spark.cli;

import io.glimpse.cli.GlimpseCli;
import io.glimpse.spark.CorpusTables;
import io.glimpse.testkit.Fixtures;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CorpusCommandTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    static Run glimpse(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = GlimpseCli.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void corpusIsAGlimpseVerbThatFillsTheTableAndReportsProgress() throws Exception {
        Path videos = Files.createDirectories(dir.resolve("videos"));
        for (String name : List.of("a.mp4", "b.mp4", "c.mp4")) {
            new io.glimpse.media.SyntheticVideo(io.glimpse.media.SyntheticVideo.Spec.hardCuts(160, 90, 10, 2, 1.5,
                    name.charAt(0))).write(videos.resolve(name));
        }
        Files.writeString(videos.resolve("notes.mp4"), "not a video");
        Path table = dir.resolve("table");
        Run r = glimpse("corpus", videos.toString(), "--out", table.toString(), "--master", "local[2]", "--budget", "800",
                "--fps", "2", "--reduce", "tmerge", "--progress", "2");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("4 files: 3 videos compressed, 1 errors, 0 already in the table");
        assertThat(r.err()).contains("corpus: 2/4 videos").contains("corpus: 4/4 videos").contains("ETA");

        try (SparkSession spark = CorpusCommand.session("local[1]")) {
            assertThat(spark.read().parquet(table.resolve(CorpusTables.VIDEOS).toString()).count()).isEqualTo(3);
        }
    }

    @Test
    void aFolderThatIsNotATableIsBadInputAndABadMethodOrModelIsRefusedBeforeSparkStarts() throws Exception {
        Path table = Files.createDirectories(dir.resolve("mine"));
        Files.writeString(table.resolve("notes.txt"), "keep me");
        Run r = glimpse("corpus", dir.toString(), "--out", table.toString(), "--master", "local[1]", "--budget", "800");
        assertThat(r.code()).isEqualTo(GlimpseCli.BAD_INPUT);
        assertThat(r.err().strip()).startsWith("glimpse: " + table).contains("not a corpus table").doesNotContain("\n");

        Run method = glimpse("corpus", dir.toString(), "--out", dir.resolve("t").toString(), "--budget", "800",
                "--method", "sideways");
        assertThat(method.code()).isNotZero();
        assertThat(method.err()).contains("sideways");
        assertThat(dir.resolve("t")).doesNotExist();

        Run query = glimpse("corpus", dir.toString(), "--out", dir.resolve("t").toString(), "--budget", "800",
                "--query", "a red car");
        assertThat(query.code()).isEqualTo(GlimpseCli.USAGE);
        assertThat(query.err()).contains("--model");
        Run model = glimpse("corpus", dir.toString(), "--out", dir.resolve("t").toString(), "--budget", "800",
                "--model", dir.resolve("no-such-checkpoint").toString());
        assertThat(model.code()).as(model.err()).isEqualTo(GlimpseCli.BAD_INPUT);
        assertThat(model.err()).contains("no-such-checkpoint");
        Run mmproj = glimpse("corpus", dir.toString(), "--out", dir.resolve("t").toString(), "--budget", "800",
                "--model", Fixtures.path("gguf/llava15-mmproj-f32.gguf").toString(), "--query", "a red car");
        assertThat(mmproj.code()).isEqualTo(GlimpseCli.USAGE);
        assertThat(mmproj.err()).contains("only a vision tower");
        assertThat(dir.resolve("t")).doesNotExist();
    }
}
