package io.glimpse.bench.run;

import io.glimpse.io.Scratch;
import io.glimpse.job.PlanEncodeJob;
import io.glimpse.job.PlanJob;
import io.glimpse.job.TowerEncoder;
import io.glimpse.media.SyntheticVideo;
import io.glimpse.spark.CompressVideo;
import io.glimpse.spark.CorpusJob;
import io.glimpse.spark.CorpusOptions;
import io.glimpse.spark.HadoopConf;
import io.glimpse.spark.LoadedModels;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Videos per minute of the corpus job on Spark in local mode against the plan job run over the same videos one
 * after another in one JVM (the CLI's loop without its JVM starts, so the favourable case for the loop), and the ratio.
 */
public final class CorpusBench {
    /**
     * @param videos  generated videos in the corpus
     * @param seconds length of each
     * @param height  video height; the width is 16:9, rounded to even
     * @param cores   Spark's local[N]
     * @param cache   where the generated corpus is kept between runs
     * @param model   checkpoint whose vision tower encodes the plans' frames, or null for PatchStats
     */
    public record Options(int videos, double seconds, int height, int cores, int repeat, int budget, String target,
                          double fps, Path model, Path cache) {
    }

    private CorpusBench() {
    }

    public static void run(Options o, PrintWriter out) throws IOException {
        Path corpus = corpus(o, out);
        List<Path> files;
        try (Stream<Path> s = Files.list(corpus)) {
            files = s.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        }
        CorpusOptions options = new CorpusOptions(o.budget(), o.target(), "clips", o.fps(), null, null,
                o.model() == null ? null : new CorpusOptions.Tower(o.model().toString(), null, false, 0), null);
        PlanJob.Options plan = options.planOptions();
        // Loaded once for both: the loop's tower is the one the corpus job's tasks share (one JVM), so neither pays for it.
        TowerEncoder tower = options.tower() == null ? null : LoadedModels.tower(options.tower().settings());
        plan(files.getFirst(), plan, tower); // the loop's first video would otherwise also pay for loading FFmpeg and compiling
        Timing loop = Timing.best(o.repeat(), () -> files.forEach(f -> plan(f, plan, tower)));
        Timing spark;
        try (SparkSession session = SparkSession.builder().master("local[" + o.cores() + "]").appName("glimpse bench corpus")
                .config("spark.ui.enabled", "false").getOrCreate()) {
            CompressVideo task = new CompressVideo(options, HadoopConf.of(session.sparkContext().hadoopConfiguration()));
            // Spark's first job in a JVM compiles its query code; like the loop's first video, that is not per-video work.
            Path one = Files.writeString(Scratch.file(o.cache().resolve("corpus-first.txt")), files.getFirst() + "\n");
            try {
                corpusRun(session, one, task, 1, o.cache());
            } finally {
                Files.delete(one);
                Scratch.release(one);
            }
            spark = Timing.best(o.repeat(), () -> corpusRun(session, corpus, task, files.size(), o.cache()));
        }
        out.printf(Locale.ROOT, "corpus: %d videos of %.0f s at %dp, plan %s budget %d at %.2f fps, tokens of %s%n",
                files.size(), o.seconds(), o.height(), o.target(), o.budget(), o.fps(),
                o.model() == null ? "PatchStats" : o.model().getFileName());
        out.printf(Locale.ROOT, "plan job, one video after another (reference): %8.2f s (cpu %8.2f s)  %8.1f videos/min%n",
                loop.wall(), loop.cpu(), perMinute(files.size(), loop));
        out.printf(Locale.ROOT, "corpus job on local[%d]                        : %8.2f s (cpu %8.2f s)  %8.1f videos/min%n",
                o.cores(), spark.wall(), spark.cpu(), perMinute(files.size(), spark));
        out.printf(Locale.ROOT, "ratio corpus/loop                             : %8.2f  (cpu time loop/corpus %s)%n",
                loop.wall() / spark.wall(), loop.cpuRatio(spark));
        out.println("On a cluster the per-video work (hashing, both decoding passes, encoding, reduction) spreads over "
                + "executors; what is shared is listing the input, collecting the hashes on the driver, joining them "
                + "with the table's ids, and one commit per batch.");
    }

    private static double perMinute(int videos, Timing t) {
        return videos / t.wall() * 60;
    }

    private static void plan(Path video, PlanJob.Options options, TowerEncoder tower) {
        try {
            PlanEncodeJob.run(video, options, null, tower, PlanJob.Listener.QUIET);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One run into a fresh table, which is then removed: every run compresses every video. */
    private static void corpusRun(SparkSession spark, Path in, CompressVideo task, int expected, Path cache) {
        try {
            Path table = Scratch.directory(cache.resolve("corpus-table"));
            try {
                CorpusJob.Summary s = CorpusJob.run(spark, in.toString(), table.resolve("t").toString(), task,
                        expected, (done, total) -> { });
                if (s.compressed() != expected) {
                    throw new IllegalStateException("corpus job compressed " + s.compressed() + " of " + expected + " videos");
                }
            } finally {
                try (Stream<Path> s = Files.walk(table)) {
                    for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
                Scratch.release(table);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The generated corpus under the cache, written once: varied scenes, a seed per video. */
    private static Path corpus(Options o, PrintWriter out) throws IOException {
        int width = (o.height() * 16 / 9 + 1) / 2 * 2;
        Path dir = o.cache().resolve(String.format(Locale.ROOT, "corpus-%dx%.0fs-%dp", o.videos(), o.seconds(), o.height()));
        if (Files.isDirectory(dir)) {
            return dir;
        }
        out.printf(Locale.ROOT, "generating %d videos into %s...%n", o.videos(), dir);
        out.flush();
        Path partial = Scratch.directory(dir);
        for (int i = 0; i < o.videos(); i++) {
            new SyntheticVideo(SyntheticVideo.Spec.varied(width, o.height(), 25, o.seconds(), i))
                    .write(partial.resolve(String.format(Locale.ROOT, "v%04d.mp4", i)));
        }
        Files.move(partial, dir, StandardCopyOption.ATOMIC_MOVE);
        Scratch.release(partial);
        return dir;
    }
}
