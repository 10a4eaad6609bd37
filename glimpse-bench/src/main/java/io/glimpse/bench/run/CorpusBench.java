package io.glimpse.bench.run;

import io.glimpse.job.PlanJob;
import io.glimpse.media.SyntheticVideo;
import io.glimpse.spark.CompressVideo;
import io.glimpse.spark.CorpusJob;
import io.glimpse.spark.CorpusOptions;
import io.glimpse.spark.HadoopConf;
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
     */
    public record Options(int videos, double seconds, int height, int cores, int repeat, int budget, String target,
                          double fps, Path cache) {
    }

    private CorpusBench() {
    }

    public static void run(Options o, PrintWriter out) throws IOException {
        Path corpus = corpus(o, out);
        List<Path> files;
        try (Stream<Path> s = Files.list(corpus)) {
            files = s.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        }
        CorpusOptions options = CorpusOptions.plan(o.budget(), o.target(), "clips", o.fps(), null, null);
        PlanJob.Options plan = options.planOptions();
        plan(files.getFirst(), plan); // the loop's first video would otherwise also pay for loading FFmpeg and compiling
        Timing loop = Timing.best(o.repeat(), () -> files.forEach(f -> plan(f, plan)));
        Timing spark;
        try (SparkSession session = SparkSession.builder().master("local[" + o.cores() + "]").appName("glimpse bench corpus")
                .config("spark.ui.enabled", "false").getOrCreate()) {
            CompressVideo task = new CompressVideo(options, HadoopConf.of(session.sparkContext().hadoopConfiguration()));
            // Spark's first job in a JVM compiles its query code; like the loop's first video, that is not per-video work.
            Path one = Files.writeString(Files.createTempFile("glimpse-bench-corpus-", ".txt"), files.getFirst() + "\n");
            try {
                corpusRun(session, one, task, 1);
            } finally {
                Files.delete(one);
            }
            spark = Timing.best(o.repeat(), () -> corpusRun(session, corpus, task, files.size()));
        }
        out.printf(Locale.ROOT, "corpus: %d videos of %.0f s at %dp, plan %s budget %d at %.2f fps%n", files.size(),
                o.seconds(), o.height(), o.target(), o.budget(), o.fps());
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

    private static void plan(Path video, PlanJob.Options options) {
        try {
            PlanJob.run(video, options, PlanJob.Listener.QUIET);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One run into a fresh table, which is then removed: every run compresses every video. */
    private static void corpusRun(SparkSession spark, Path in, CompressVideo task, int expected) {
        try {
            Path table = Files.createTempDirectory("glimpse-bench-corpus-");
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
        Path partial = o.cache().resolve(".partial-" + dir.getFileName());
        Files.createDirectories(partial);
        for (int i = 0; i < o.videos(); i++) {
            new SyntheticVideo(SyntheticVideo.Spec.varied(width, o.height(), 25, o.seconds(), i))
                    .write(partial.resolve(String.format(Locale.ROOT, "v%04d.mp4", i)));
        }
        Files.move(partial, dir, StandardCopyOption.ATOMIC_MOVE);
        return dir;
    }
}
