package io.glimpse.cli;

import io.glimpse.job.PlanJob;
import io.glimpse.job.SampleVideo;
import io.glimpse.plan.PlanMethod;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code glimpse demo}: the main job on its embedded default, no input needed. */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Make a sample video of several distinct scenes (hard cuts and fades), plan it under a budget "
                + "and print where the report is."})
public final class DemoCommand implements Callable<Integer> {
    static final long SEED = 7;

    @Option(names = {"-o", "--out"}, defaultValue = "glimpse-demo", paramLabel = "DIR",
            description = "Where the sample video and the plan go (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--budget", defaultValue = "4000", paramLabel = "N", description = "Token budget (default: ${DEFAULT-VALUE}).")
    int budget;

    @Option(names = "--target", defaultValue = "gpt-4o", paramLabel = "T", description = "Target model (default: ${DEFAULT-VALUE}).")
    String target;

    @Option(names = "--seconds", defaultValue = "45", paramLabel = "S", description = "Length of the sample video (default: ${DEFAULT-VALUE}).")
    double seconds;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!(seconds >= 2 && seconds <= 3600)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--seconds must be within [2, 3600], got " + seconds);
        }
        PlanJob.Options options = new PlanJob.Options(budget, target, PlanMethod.CLIPS, 1.0, null, null, null);
        options.request(); // rejects a bad budget or target before the sample video is written
        Path video = out.resolve(String.format(Locale.ROOT, "sample-%ds.mp4", Math.round(seconds)));
        SampleVideo.ensure(video, 640, 360, seconds, SEED, () -> spec.commandLine().getErr().println("glimpse: writing sample video " + video));
        Path report = PlanCommand.run(video, options, out.resolve("plan"), spec.commandLine());
        spec.commandLine().getOut().println("report: " + report);
        return GlimpseCli.OK;
    }
}
