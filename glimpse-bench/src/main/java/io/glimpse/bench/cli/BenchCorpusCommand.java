package io.glimpse.bench.cli;

import io.glimpse.bench.run.CorpusBench;
import io.glimpse.cli.GlimpseCli;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code glimpse bench corpus}: see {@link CorpusBench}. */
@Command(name = "corpus", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Videos per minute of the corpus job on Spark local[N] against the plan job's sequential loop "
                + "over the same generated videos, and their ratio.")
final class BenchCorpusCommand implements Callable<Integer> {
    @Option(names = "--videos", defaultValue = "24", description = "Generated videos (default: ${DEFAULT-VALUE}).")
    int videos;

    @Option(names = "--seconds", defaultValue = "30", description = "Length of each (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--height", defaultValue = "360", description = "Video height; width is 16:9 (default: ${DEFAULT-VALUE}).")
    int height;

    @Option(names = "--cores", defaultValue = "2", description = "Spark's local[N] (default: ${DEFAULT-VALUE}).")
    int cores;

    @Option(names = "--repeat", defaultValue = "1", description = "Runs of each measurement; the best counts (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--budget", defaultValue = "4000", description = "Plan budget (default: ${DEFAULT-VALUE}).")
    int budget;

    @Option(names = "--target", defaultValue = "llava-onevision", description = "Plan target (default: ${DEFAULT-VALUE}).")
    String target;

    @Option(names = "--fps", defaultValue = "1", description = "Sampling rate (default: ${DEFAULT-VALUE}).")
    double fps;

    @Option(names = "--model", paramLabel = "DIR", description = "CLIP, SigLIP or LLaVA checkpoint whose vision tower "
            + "encodes the plans' frames, as 'glimpse corpus --model' (default: PatchStats).")
    Path model;

    @CommandLine.Mixin
    CacheOption cache = new CacheOption();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (videos < 2 || seconds < 2 || cores < 1 || repeat < 1 || height < 16 || height % 2 != 0) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "need --videos ≥ 2, --seconds ≥ 2, --cores ≥ 1, --repeat ≥ 1, an even --height ≥ 16");
        }
        CorpusBench.run(new CorpusBench.Options(videos, seconds, height, cores, repeat, budget, target, fps, model, cache.dir),
                spec.commandLine().getOut());
        return GlimpseCli.OK;
    }
}
