package io.glimpse.spark.cli;

import io.glimpse.job.TowerEncoder;
import io.glimpse.plan.CostModels;
import io.glimpse.spark.CompressVideo;
import io.glimpse.spark.CorpusJob;
import io.glimpse.spark.CorpusOptions;
import io.glimpse.spark.HadoopConf;
import io.glimpse.spark.LoadedModels;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code glimpse corpus IN --out TABLE}: every video of a corpus planned, encoded and reduced into one Parquet table. */
@Command(name = "corpus", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Plan, encode (PatchStats, or --model's vision tower) and reduce every video of a folder or list file on Spark, into one "
                + "Parquet table: TABLE/videos (a row per video) and TABLE/errors (a row per file that failed).",
                "Reruns skip videos already in the table (by content hash), so a killed run is finished by running it again."})
public final class CorpusCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "IN", description = "Folder of videos (searched recursively) or a file listing "
            + "one video path per line; any Hadoop path (file:, hdfs:, s3a:).")
    String in;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "TABLE",
            description = "Table folder: new, empty or written by an earlier corpus run (rows are appended).")
    String out;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master, e.g. local[4] (default: the one "
            + "spark-submit gives, else local[*]).")
    String master;

    @Option(names = "--budget", required = true, paramLabel = "N", description = "Tokens of the target each video's plan may spend.")
    int budget;

    @Option(names = "--target", defaultValue = "llava-onevision", paramLabel = "T",
            description = "Target model whose tokens are counted (default: ${DEFAULT-VALUE}); see 'glimpse plan --help'.")
    String target;

    @Option(names = "--method", defaultValue = "clips", paramLabel = "M",
            description = "uniform | scenes | clips | quota (default: ${DEFAULT-VALUE}), as in 'glimpse plan'.")
    String method;

    @Option(names = "--fps", defaultValue = "1", paramLabel = "F", description = "Candidate frames per second (default: ${DEFAULT-VALUE}).")
    double fps;

    @Option(names = "--dedup", arity = "0..1", fallbackValue = "0.75", paramLabel = "S",
            description = "Drop near-repeat sampled frames above similarity S (default without a value: ${FALLBACK-VALUE}).")
    Double dedup;

    @Option(names = "--reduce", paramLabel = "SPEC", description = "Reduction pipeline for each plan's tokens (see 'glimpse methods').")
    String reduce;

    @Option(names = "--model", paramLabel = "DIR", description = "CLIP, SigLIP or LLaVA checkpoint folder (or llama.cpp mmproj .gguf file) whose vision "
            + "tower encodes the chosen frames, as 'glimpse encode' does (default: PatchStats, as 'glimpse plan'); "
            + "the same local path on every executor. Loaded once per executor JVM.")
    String model;

    @Option(names = "--query", paramLabel = "TEXT", description = "Question the frames should answer, scored by --model's "
            + "dual encoder (CLIP or SigLIP with a text tower and tokenizer), as in 'glimpse plan'.")
    String query;

    @Option(names = "--layer", paramLabel = "L", description = "With --model: hidden_states index of the features, as in "
            + "'glimpse encode'.")
    Integer layer;

    @Option(names = "--post-layernorm", description = "With --model: apply post_layernorm to the features.")
    boolean postLayerNorm;

    @Option(names = "--tome", defaultValue = "0", paramLabel = "R", description = "With --model: tokens merged per layer "
            + "inside the encoder (ToMe; default: ${DEFAULT-VALUE}).")
    int tome;

    @Option(names = "--batch", defaultValue = "500", paramLabel = "N",
            description = "Videos per commit to the table; a killed run loses at most this many (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--progress", defaultValue = "10", paramLabel = "N",
            description = "Print a progress line every N videos (default: ${DEFAULT-VALUE}).")
    int progress;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (progress < 1 || batch < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--progress and --batch must be at least 1, got "
                    + progress + " and " + batch);
        }
        if (query != null && model == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--query needs a text-capable encoder: pass --model "
                    + "DIR with a CLIP or SigLIP checkpoint (the default PatchStats encoder has no text tower)");
        }
        if (query != null && TowerEncoder.isGguf(Path.of(model))) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--query needs a text-capable encoder: the mmproj "
                    + "file " + model + " holds only a vision tower; pass a CLIP or SigLIP checkpoint folder");
        }
        if (model == null && (layer != null || postLayerNorm || tome != 0)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--layer, --post-layernorm and --tome set how "
                    + "--model's tower encodes; give --model too");
        }
        CorpusOptions options = new CorpusOptions(budget, CostModels.forName(target).name(), method, fps, dedup, reduce,
                model == null ? null : new CorpusOptions.Tower(model, layer, postLayerNorm, tome), query);
        options.planOptions(); // a bad method, budget or pipeline is refused before Spark starts
        if (options.tower() != null) {
            // As bad input before Spark starts; in local mode the tasks then share this very load.
            LoadedModels.tower(options.tower().settings());
            if (query != null) {
                LoadedModels.scorer(options.tower().settings().model(), query);
            }
        }
        try (SparkSession spark = session(master)) {
            CorpusJob.Summary s = CorpusJob.run(spark, in, out,
                    new CompressVideo(options, HadoopConf.of(spark.sparkContext().hadoopConfiguration())),
                    batch, new ProgressLine(spec.commandLine().getErr(), progress));
            spec.commandLine().getOut().printf(Locale.ROOT, "%d files: %d videos compressed, %d errors, %d already in the "
                            + "table, %d duplicate content; run %s appended to %s%n", s.listed(), s.compressed(),
                    s.failed(), s.skipped(), s.duplicates(), s.run(), out);
        }
        return 0;
    }

    /** Local mode runs embedded without the web UI; under spark-submit the master and settings are the submitter's. */
    static SparkSession session(String master) {
        SparkSession.Builder b = SparkSession.builder().appName("glimpse corpus");
        String m = master != null ? master : System.getProperty("spark.master", "local[*]");
        b.master(m);
        if (m.startsWith("local")) {
            b.config("spark.ui.enabled", "false");
        }
        return b.getOrCreate();
    }
}
