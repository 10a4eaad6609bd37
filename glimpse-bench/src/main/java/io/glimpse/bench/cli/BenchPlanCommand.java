package io.glimpse.bench.cli;

import io.glimpse.bench.run.PlanBench;
import io.glimpse.cli.GlimpseCli;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code glimpse bench plan}: see {@link PlanBench}. */
@Command(name = "plan", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Time the plan job on a generated video against decode-only time at the same sampling.")
final class BenchPlanCommand implements Callable<Integer> {
    @Option(names = "--minutes", defaultValue = "10", description = "Video length (default: ${DEFAULT-VALUE}).")
    double minutes;

    @Option(names = "--height", defaultValue = "720", description = "Video height; width is 16:9 (default: ${DEFAULT-VALUE}).")
    int height;

    @Option(names = "--repeat", defaultValue = "3", description = "Runs of each measurement; the best counts (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--budget", defaultValue = "8000", description = "Plan budget (default: ${DEFAULT-VALUE}).")
    int budget;

    @Option(names = "--target", defaultValue = "llava-onevision", description = "Plan target (default: ${DEFAULT-VALUE}).")
    String target;

    @Option(names = "--fps", defaultValue = "1", description = "Sampling rate (default: ${DEFAULT-VALUE}).")
    double fps;

    @CommandLine.Mixin
    CacheOption cache = new CacheOption();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (repeat < 1 || minutes <= 0 || height < 16 || height % 2 != 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "need --repeat ≥ 1, --minutes > 0, an even --height ≥ 16");
        }
        PlanBench.run(new PlanBench.Options(minutes, height, repeat, budget, target, fps, cache.dir), spec.commandLine().getOut());
        return GlimpseCli.OK;
    }
}
