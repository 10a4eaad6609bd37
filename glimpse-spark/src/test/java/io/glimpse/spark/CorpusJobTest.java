package io.glimpse.spark;

import io.glimpse.image.Png;
import io.glimpse.io.SafeTensors;
import io.glimpse.job.EncodeJob;
import io.glimpse.job.PlanJob;
import io.glimpse.plan.Plan;
import io.glimpse.plan.PlannedFrame;
import io.glimpse.tokens.TokenFile;
import io.glimpse.tokens.TokenSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CorpusJobTest {

    /** Two cores; a task may fail once and is then retried (local[N,F] is local mode's spark.task.maxFailures). */
    static SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[2,2]").appName("corpus-test").config("spark.ui.enabled", "false")
                .getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    static VideoTask compress() {
        return new CompressVideo(TestCorpus.OPTIONS, HadoopConf.of(spark.sparkContext().hadoopConfiguration()));
    }

    CorpusJob.Summary run(String in, Path table, VideoTask task, int batch) throws IOException {
        return CorpusJob.run(spark, in, table.toString(), task, batch, (done, total) -> {
        });
    }

    List<Row> rows(Path table, String side) {
        return spark.read().parquet(table.resolve(side).toString()).collectAsList();
    }

    /** A hidden list file in the test's folder naming corpus files by absolute path. */
    String list(String... names) throws IOException {
        StringBuilder b = new StringBuilder();
        for (String n : names) {
            b.append(TestCorpus.dir().resolve(n)).append('\n');
        }
        return Files.writeString(dir.resolve(".list.txt"), b.toString()).toString();
    }

    @Test
    void aListThenTheFolderGiveARowPerVideoWithThePlanAndTokensOfPlanJobAndAnErrorRowPerBrokenFile() throws Exception {
        Path table = dir.resolve("table");
        // Hidden, so runs over the folder do not list it.
        Path list = Files.writeString(TestCorpus.dir().resolve(".first.txt"), "# relative names are the list's folder's\n\n"
                + "v00.mp4\n" + TestCorpus.dir().resolve("v01.mp4") + "\n" + TestCorpus.CORRUPT.get(1) + "\n");
        CorpusJob.Summary first = run(list.toString(), table, compress(), 100);
        assertThat(first.listed()).isEqualTo(3);
        assertThat(first.compressed()).isEqualTo(2);
        assertThat(first.failed()).isEqualTo(1);

        CorpusJob.Summary s = run(TestCorpus.dir().toString(), table, compress(), 100);
        assertThat(s.listed()).as("hidden files not listed").isEqualTo(TestCorpus.VIDEOS + 3);
        assertThat(s.skipped()).as("the listed three and the copy of v00").isEqualTo(4);
        assertThat(s.compressed()).isEqualTo(TestCorpus.VIDEOS - 2);
        assertThat(s.failed()).isEqualTo(1);

        List<Row> videos = rows(table, CorpusTables.VIDEOS);
        Map<Path, Row> byFile = new HashMap<>();
        videos.forEach(r -> byFile.put(Path.of(URI.create(r.getAs("path"))), r));
        assertThat(byFile.keySet()).containsExactlyInAnyOrderElementsOf(TestCorpus.videos());
        for (Path video : TestCorpus.videos()) {
            Row row = byFile.get(video);
            PlanJob.Result expected = PlanJob.run(video, TestCorpus.OPTIONS.planOptions(), PlanJob.Listener.QUIET);
            assertThat(plan(row.getStruct(row.fieldIndex("plan")))).as(video.toString()).isEqualTo(expected.plan());
            assertThat(row.<Integer>getAs("width")).isEqualTo(expected.video().width());
            TokenSet tokens = tokens(row.getAs("tokens"));
            assertThat(tokens).as(video.toString()).isEqualTo(expected.delivered());
            assertThat(row.<Integer>getList(row.fieldIndex("origin"))).containsExactly(box(tokens.origin()));
            assertThat(row.<Integer>getList(row.fieldIndex("token_frame"))).containsExactly(box(tokens.tokenFrames()));
            Row stats = row.getStruct(row.fieldIndex("stats"));
            assertThat(stats.<Integer>getAs("tokens_encoded")).isEqualTo(expected.tokens().size());
            assertThat(stats.<Integer>getAs("tokens_delivered")).isEqualTo(expected.delivered().size());
            assertThat(stats.getList(stats.fieldIndex("stages"))).hasSize(1);
            boolean early = video.endsWith("v00.mp4") || video.endsWith("v01.mp4");
            assertThat(row.<String>getAs(CorpusTables.RUN)).isEqualTo(early ? first.run() : s.run());
        }
        assertThat(expectedScenesSeen(videos)).as("cut videos have more than one scene").isTrue();

        List<Row> errors = rows(table, CorpusTables.ERRORS);
        assertThat(errors).hasSize(2);
        for (Row e : errors) {
            String path = e.getAs("path");
            assertThat(TestCorpus.CORRUPT).anyMatch(path::endsWith);
            String error = e.getAs("error");
            assertThat(error).startsWith(path + ": ").doesNotContain("\n");
            assertThat(error.substring(path.length())).as("names the file once").doesNotContain(Path.of(URI.create(path)).toString());
            assertThat(e.<String>getAs("video_id")).hasSize(64);
        }

        Map<String, byte[]> plain = plainParquet(table.resolve(CorpusTables.VIDEOS));
        assertThat(plain).hasSize(TestCorpus.VIDEOS);
        for (Row r : videos) {
            assertThat(plain.get(r.<String>getAs("video_id"))).isEqualTo(r.getAs("tokens"));
        }

        CorpusJob.Summary again = run(TestCorpus.dir().toString(), table, compress(), 100);
        assertThat(again.skipped()).as("every file, the copy too").isEqualTo(TestCorpus.VIDEOS + 3);
        assertThat(again.compressed() + again.failed()).isZero();
        assertThat(rows(table, CorpusTables.VIDEOS)).hasSize(TestCorpus.VIDEOS);
        assertThat(rows(table, CorpusTables.ERRORS)).hasSize(2);
    }

    /** Fails every video's first attempt, leaving a marker per failure; Spark retries each on a second attempt. */
    record FailFirstAttempt(VideoTask inner, String markers) implements VideoTask {
        @Override
        public Outcome run(VideoFile file) {
            if (TaskContext.get().attemptNumber() == 0) {
                try {
                    Files.createFile(Path.of(markers).resolve(new org.apache.hadoop.fs.Path(file.path()).getName()));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
                throw new IllegalStateException("injected failure of the first attempt at " + file.path());
            }
            return inner.run(file);
        }
    }

    @Test
    void tasksThatFailTheirFirstAttemptStillGiveEachVideoOnceAndACopyIsCompressedOnce() throws Exception {
        Path table = dir.resolve("table");
        Path markers = Files.createDirectories(dir.resolve("markers"));
        String in = list("v00.mp4", "w-copy-of-v00.mp4", "v02.mp4", "v04.mp4", TestCorpus.CORRUPT.get(0));
        CorpusJob.Summary s = run(in, table, new FailFirstAttempt(compress(), markers.toString()), 2);
        assertThat(s.duplicates()).isEqualTo(1);
        try (Stream<Path> m = Files.list(markers)) {
            assertThat(m.map(p -> p.getFileName().toString())).as("failed first attempts; the copy never ran")
                    .containsExactlyInAnyOrder("v00.mp4", "v02.mp4", "v04.mp4", TestCorpus.CORRUPT.get(0));
        }
        assertThat(s.compressed()).isEqualTo(3);
        assertThat(fileNames(rows(table, CorpusTables.VIDEOS))).containsExactlyInAnyOrder("v00.mp4", "v02.mp4", "v04.mp4");
        assertThat(rows(table, CorpusTables.ERRORS)).hasSize(1);
    }

    /** Fails one video on every attempt, which aborts the Spark job: a run killed at that video. */
    record AbortAt(VideoTask inner, String name) implements VideoTask {
        @Override
        public Outcome run(VideoFile file) {
            if (file.path().endsWith("/" + name)) {
                throw new IllegalStateException("injected abort at " + name);
            }
            return inner.run(file);
        }
    }

    @Test
    void aRunKilledMidwayKeepsWholeBatchesAndTheRerunCompletesWithoutDuplicates() throws Exception {
        Path table = dir.resolve("table");
        // Sorted: v00 v01 v02 | v03 v05-garbage v05 | v06 v07; the abort at v07 kills batch three, v06 done in it.
        String in = list("v00.mp4", "v01.mp4", "v02.mp4", "v03.mp4", TestCorpus.CORRUPT.get(0), "v05.mp4", "v06.mp4",
                "v07.mp4");
        assertThatThrownBy(() -> run(in, table, new AbortAt(compress(), "v07.mp4"), 3))
                .hasStackTraceContaining("injected abort at v07.mp4");
        assertThat(fileNames(rows(table, CorpusTables.VIDEOS)))
                .containsExactlyInAnyOrder("v00.mp4", "v01.mp4", "v02.mp4", "v03.mp4", "v05.mp4");
        assertThat(fileNames(rows(table, CorpusTables.ERRORS))).containsExactly(TestCorpus.CORRUPT.get(0));
        assertThat(plainParquet(table.resolve(CorpusTables.VIDEOS))).hasSize(5);

        CorpusJob.Summary rest = run(in, table, compress(), 3);
        assertThat(rest.skipped()).as("5 videos, the garbage file").isEqualTo(6);
        assertThat(rest.compressed()).isEqualTo(2);
        assertThat(fileNames(rows(table, CorpusTables.VIDEOS))).hasSize(7).doesNotHaveDuplicates();
        assertThat(ids(rows(table, CorpusTables.VIDEOS))).doesNotHaveDuplicates();
        assertThat(fileNames(rows(table, CorpusTables.ERRORS))).containsExactly(TestCorpus.CORRUPT.get(0));
    }

    @Test
    void aTowerAndAQueryAreLoadedOncePerJvmAndTheTokensAreGlimpseEncodesOfThePlansFrames() throws Exception {
        Path model = TestCorpus.clipWithTokenizer(dir.resolve("clip"));
        CorpusOptions options = new CorpusOptions(1200, "llava-onevision", "clips", 2, null, null,
                new CorpusOptions.Tower(model.toString(), null, false, 0), "photo of mountains");
        String[] names = {"v00.mp4", "v01.mp4", "v02.mp4", "v03.mp4"};
        int loads = LoadedModels.loads();
        Path table = dir.resolve("table");
        CorpusJob.Summary s = run(list(names), table,
                new CompressVideo(options, HadoopConf.of(spark.sparkContext().hadoopConfiguration())), 100);
        assertThat(s.compressed()).isEqualTo(names.length);
        assertThat(LoadedModels.loads() - loads).as("one tower and one query scorer for four videos on two cores")
                .isEqualTo(2);

        List<Row> videos = rows(table, CorpusTables.VIDEOS);
        assertThat(videos).hasSize(names.length);
        for (Row row : videos) {
            Path video = Path.of(URI.create(row.getAs("path")));
            // glimpse plan --model --query, which loads the scorer itself.
            Plan expected = PlanJob.run(video, options.planOptions(), PlanJob.Listener.QUIET).plan();
            assertThat(plan(row.getStruct(row.fieldIndex("plan")))).as(video.toString()).isEqualTo(expected);
            Path file = Files.write(dir.resolve("row.safetensors"), row.<byte[]>getAs("tokens"));
            TokenSet tokens = TokenFile.read(file);
            assertThat(tokens.frameCount()).isEqualTo(expected.frames().size());
            List<PlanJob.ChosenFrame> frames = PlanJob.select(video, options.planOptions(), PlanJob.Listener.QUIET,
                    PlanJob.Pixels.DECODED).frames();
            int d = tokens.dim();
            int at = 0;
            for (int f = 0; f < frames.size(); f++) {
                // glimpse encode --model on the chosen frame, kept as a lossless PNG.
                Path png = Files.write(dir.resolve("frame.png"), Png.encode(frames.get(f).image()));
                Path out = dir.resolve("frame.safetensors");
                EncodeJob.run(new EncodeJob.Options(model, png, null, false, 0, 1, null, null, out), w -> { });
                TokenSet one = TokenFile.read(out);
                assertThat(one.dim()).isEqualTo(d);
                float[] mine = Arrays.copyOfRange(tokens.embeddingsView(), at * d, (at + one.size()) * d);
                assertThat(mine).as("%s frame %d", video, f).containsExactly(one.embeddingsView());
                assertThat(tokens.frameInfo(f).scene()).isEqualTo(expected.frames().get(f).scene());
                assertThat(tokens.frameInfo(f).timestamp()).isEqualTo(expected.frames().get(f).timestamp());
                at += one.size();
                if (f == 0) {
                    assertThat(SafeTensors.read(file).metadata().get("encoder"))
                            .isEqualTo(SafeTensors.read(out).metadata().get("encoder"));
                }
            }
            assertThat(at).as("no other tokens").isEqualTo(tokens.size());
        }
    }

    @Test
    void aFolderThatIsNotACorpusTableIsRefusedAndLeftAlone() throws Exception {
        Path table = Files.createDirectories(dir.resolve("mine"));
        Path notes = Files.writeString(table.resolve("notes.txt"), "keep me");
        assertThatThrownBy(() -> run(TestCorpus.dir().toString(), table, compress(), 100))
                .isInstanceOf(io.glimpse.io.BadInputException.class).hasMessageContaining("not a corpus table");
        assertThat(Files.readString(notes)).isEqualTo("keep me");
        try (Stream<Path> s = Files.list(table)) {
            assertThat(s).containsExactly(notes);
        }
    }

    private static boolean expectedScenesSeen(List<Row> videos) {
        return videos.stream().map(r -> r.getStruct(r.fieldIndex("plan")))
                .anyMatch(p -> !p.getList(p.fieldIndex("cuts")).isEmpty());
    }

    private static List<String> ids(List<Row> rows) {
        return rows.stream().map(r -> r.<String>getAs("video_id")).toList();
    }

    private static List<String> fileNames(List<Row> rows) {
        return rows.stream().map(r -> new org.apache.hadoop.fs.Path(r.<String>getAs("path")).getName()).toList();
    }

    private static Plan plan(Row p) {
        List<PlannedFrame> frames = p.<Row>getList(p.fieldIndex("frames")).stream()
                .map(f -> new PlannedFrame(f.getAs("source"), f.getAs("timestamp"), f.getAs("scene"), f.getAs("clip"),
                        f.getAs("width"), f.getAs("height"), f.getAs("cost")))
                .toList();
        return new Plan(p.getAs("method"), p.getAs("target"), p.getAs("budget"), p.getAs("total_cost"), p.getAs("fps"),
                frames, p.getList(p.fieldIndex("cuts")));
    }

    private TokenSet tokens(byte[] file) throws IOException {
        Path tmp = Files.write(dir.resolve("row.safetensors"), file);
        return TokenFile.read(tmp);
    }

    /** What Hadoop readers see: no path element starting with '_' or '.' (uncommitted output, checksums). */
    private static boolean visible(Path relative) {
        for (Path e : relative) {
            if (e.toString().startsWith("_") || e.toString().startsWith(".")) {
                return false;
            }
        }
        return true;
    }

    private static Integer[] box(int[] a) {
        return Arrays.stream(a).boxed().toArray(Integer[]::new);
    }

    /** video_id → tokens of every row, read from the visible Parquet files with parquet-hadoop alone, no Spark. */
    @SuppressWarnings("deprecation")
    private static Map<String, byte[]> plainParquet(Path dataset) throws IOException {
        Map<String, byte[]> out = new HashMap<>();
        List<Path> files;
        try (Stream<Path> s = Files.walk(dataset)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".parquet") && visible(dataset.relativize(p))).toList();
        }
        for (Path f : files) {
            try (ParquetReader<Group> r = ParquetReader.builder(new GroupReadSupport(),
                    new org.apache.hadoop.fs.Path(f.toUri())).withConf(new Configuration()).build()) {
                for (Group g = r.read(); g != null; g = r.read()) {
                    String id = g.getString("video_id", 0);
                    assertThat(out.put(id, g.getBinary("tokens", 0).getBytes())).as(id + " twice").isNull();
                }
            }
        }
        return out;
    }
}
