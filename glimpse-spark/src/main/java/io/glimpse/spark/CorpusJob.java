package io.glimpse.spark;

import io.glimpse.io.BadInputException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;

import java.io.IOException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A corpus of videos into one table: {@code TABLE/videos} (a row per video) and {@code TABLE/errors} (a row per file
 * that could not be compressed), both Parquet, appended to by each run.
 *
 * <p>Exactly once: every file is hashed first, and a video whose hash is already in either dataset (or a file already
 * recorded as unreadable) is skipped, as is a second copy of the same content within the run. The rest run one video
 * per Spark task, so a failed attempt redoes only that video and progress counts videos. They are committed in
 * batches, each through Spark's file commit protocol (algorithm 1: task output stays under {@code _temporary} until
 * the job commits), so a run killed at any point leaves only whole batches visible and the next run redoes exactly
 * what is missing. A batch's results are cached and counted before writing, so its two appends read them rather than
 * decoding the videos again, and a video lands in errors or videos, never both.
 */
public final class CorpusJob {
    /** Rows per Parquet file written, at most; a run writes at least one file per dataset. */
    static final int ROWS_PER_FILE = 256;
    private static final String KEY = "key";

    /** Videos done so far of those this run compresses, called on the driver as tasks finish. */
    public interface Progress {
        void done(long videos, long total);
    }

    /**
     * @param listed     files found under the input
     * @param skipped    files whose content is already in the table
     * @param duplicates files whose content another file of this run already has
     * @param compressed rows appended to {@code videos}
     * @param failed     rows appended to {@code errors}
     */
    public record Summary(String run, int listed, int skipped, int duplicates, long compressed, long failed) {
    }

    private CorpusJob() {
    }

    /**
     * @param in    directory of videos or a list file, any Hadoop path
     * @param table the table's folder: absent, empty, or an earlier run's output
     * @param batch videos per commit: a run killed midway loses at most this many videos' work
     */
    public static Summary run(SparkSession spark, String in, String table, VideoTask task, int batch, Progress progress)
            throws IOException {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        // Algorithm 2 moves each task's files into place at task commit, where a killed job leaves them visible.
        conf.setInt("mapreduce.fileoutputcommitter.algorithm.version", 1);
        Path root = checkTable(table, conf);
        String videos = new Path(root, CorpusTables.VIDEOS).toString();
        String errors = new Path(root, CorpusTables.ERRORS).toString();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        HadoopConf hadoop = HadoopConf.of(conf);

        List<String> paths = CorpusInput.list(in, conf);
        List<VideoFile> hashed = paths.isEmpty() ? List.of()
                : jsc.parallelize(paths, Math.min(paths.size(), 4 * jsc.defaultParallelism()))
                .map(p -> VideoFile.hash(p, hadoop)).collect();
        Set<String> known = known(spark, hashed, stored(spark, videos, CorpusTables.VIDEO, conf),
                stored(spark, errors, CorpusTables.ERROR, conf));

        List<VideoFile> todo = new ArrayList<>();
        int skipped = 0;
        int duplicates = 0;
        Set<String> seen = new HashSet<>();
        for (VideoFile f : hashed) {
            if (known.contains(key(f))) {
                skipped++;
            } else if (f.id() != null && !seen.add(f.id())) {
                duplicates++;
            } else {
                todo.add(f);
            }
        }
        String run = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").format(ZonedDateTime.now(ZoneOffset.UTC));
        if (todo.isEmpty()) {
            return new Summary(run, paths.size(), skipped, duplicates, 0, 0);
        }

        LongAccumulator done = jsc.sc().longAccumulator("videos");
        SparkListener listener = new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                progress.done(done.value(), todo.size());
            }
        };
        spark.sparkContext().addSparkListener(listener);
        long compressed = 0;
        long failed = 0;
        try {
            for (int from = 0; from < todo.size(); from += batch) {
                List<VideoFile> part = new ArrayList<>(todo.subList(from, Math.min(todo.size(), from + batch)));
                JavaRDD<Row> rows = jsc.parallelize(part, part.size()).map(f -> {
                    Outcome o = task.run(f);
                    done.add(1);
                    return CorpusTables.outcome(o);
                });
                Dataset<Row> outcomes = spark.createDataFrame(rows, CorpusTables.OUTCOME)
                        .persist(StorageLevel.MEMORY_AND_DISK());
                try {
                    // One pass fills the cache and counts both sides (count of a column skips its nulls).
                    Row counts = outcomes.agg(functions.count(CorpusTables.VIDEOS), functions.count(CorpusTables.ERRORS))
                            .first();
                    failed += append(outcomes, CorpusTables.ERRORS, counts.getLong(1), errors, run);
                    compressed += append(outcomes, CorpusTables.VIDEOS, counts.getLong(0), videos, run);
                } finally {
                    outcomes.unpersist();
                }
            }
        } finally {
            spark.sparkContext().removeSparkListener(listener);
        }
        return new Summary(run, paths.size(), skipped, duplicates, compressed, failed);
    }

    private static long append(Dataset<Row> outcomes, String side, long n, String path, String run) {
        if (n > 0) {
            outcomes.where(functions.col(side).isNotNull()).select(side + ".*")
                    .withColumn(CorpusTables.RUN, functions.lit(run)).coalesce((int) ((n + ROWS_PER_FILE - 1) / ROWS_PER_FILE))
                    .write().mode(SaveMode.Append).partitionBy(CorpusTables.RUN).parquet(path);
        }
        return n;
    }

    /** A dataset of the table as stored; empty when no run has committed to it yet. */
    private static Dataset<Row> stored(SparkSession spark, String path, StructType rows, Configuration conf)
            throws IOException {
        StructType schema = CorpusTables.stored(rows);
        Path p = new Path(path);
        return p.getFileSystem(conf).exists(p) ? spark.read().schema(schema).parquet(path)
                : spark.createDataFrame(List.of(), schema);
    }

    /** What identifies a file in the table: its content hash, or its path when it could not be read. */
    private static String key(VideoFile f) {
        return f.id() != null ? f.id() : f.path();
    }

    /**
     * The keys of this run's files that the table already holds: the run's keys joined with the table's (content
     * hashes of both datasets, paths of unreadable files; a qualified path never reads as a hex hash), so only the
     * matches, at most one per listed file, come to the driver, however large the table. Spark broadcasts the run's
     * side when it is small and scans the table's two key columns once.
     */
    private static Set<String> known(SparkSession spark, List<VideoFile> files, Dataset<Row> videos, Dataset<Row> errors) {
        if (files.isEmpty()) {
            return Set.of();
        }
        Dataset<Row> table = videos.select(functions.col("video_id").as(KEY))
                .union(errors.select(functions.coalesce(functions.col("video_id"), functions.col("path")).as(KEY)));
        Dataset<Row> run = spark.createDataset(files.stream().map(CorpusJob::key).distinct().toList(), Encoders.STRING())
                .toDF(KEY);
        return new HashSet<>(run.join(table, KEY).as(Encoders.STRING()).collectAsList());
    }

    /** The table folder, refused when it holds anything a corpus run did not write. */
    private static Path checkTable(String table, Configuration conf) throws IOException {
        Path root = new Path(table);
        FileSystem fs = root.getFileSystem(conf);
        if (!fs.exists(root)) {
            return fs.makeQualified(root);
        }
        FileStatus status = fs.getFileStatus(root);
        if (!status.isDirectory()) {
            throw new BadInputException(table + ": not a corpus table (a file, not a folder)");
        }
        for (FileStatus child : fs.listStatus(root)) {
            String name = child.getPath().getName();
            if (!child.isDirectory() || !(name.equals(CorpusTables.VIDEOS) || name.equals(CorpusTables.ERRORS))) {
                throw new BadInputException(table + ": not a corpus table (holds " + name + "); give a new or empty "
                        + "folder, or one an earlier corpus run wrote");
            }
        }
        return status.getPath();
    }
}
