package io.glimpse.cli;

import io.glimpse.job.PlanJob;
import io.glimpse.job.PlanOutputs;
import io.glimpse.plan.CostModels;
import io.glimpse.plan.PlanMethod;
import io.glimpse.reduce.Pipeline;
import io.glimpse.report.TextReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code glimpse plan VIDEO}: the frames a model must see, under a token budget. */
@Command(name = "plan", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Choose the key clips, frames and resolutions of a video that fit a token budget of a target model.",
                "Writes the chosen frames (PNG), plan.json, tokens.safetensors and report.html into the output directory."})
public final class PlanCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "VIDEO", description = "Video or image file (anything FFmpeg decodes).")
    Path video;

    @Option(names = "--budget", required = true, paramLabel = "N", description = "Tokens of the target the plan may spend.")
    int budget;

    @Option(names = "--target", defaultValue = "llava-onevision", paramLabel = "T",
            description = "Target model whose tokens are counted: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
            completionCandidates = Targets.class)
    String target;

    @Option(names = "--method", defaultValue = "clips", paramLabel = "M",
            description = "uniform | scenes | clips | quota (default: ${DEFAULT-VALUE}). quota splits the budget by "
                    + "query relevance (QuoTA); without --query it splits evenly.")
    String method;

    @Option(names = "--fps", defaultValue = "1", paramLabel = "F", description = "Candidate frames sampled per second (default: ${DEFAULT-VALUE}).")
    double fps;

    @Option(names = "--dedup", arity = "0..1", fallbackValue = "0.02", paramLabel = "C", parameterConsumer = OptionalNumber.class,
            description = "Drop sampled frames of which fewer than the share C of patches changed since the last kept "
                    + "frame (default when given without a value: ${FALLBACK-VALUE}, which keeps a person walking "
                    + "through a still shot); the tokens saved go to the frames kept.")
    Double dedup;

    @Option(names = "--query", paramLabel = "TEXT", description = "Question the frames should answer (needs --model).")
    String query;

    @Option(names = "--model", paramLabel = "DIR", description = "CLIP/SigLIP checkpoint folder with a text tower and "
            + "tokenizer.json or spiece.model, for --query: frames are scored against the query and key clips anchor on the best.")
    Path model;

    @Option(names = "--reduce", paramLabel = "SPEC", description = "Reduction pipeline for the plan's token set, e.g. \"tmerge > kcenter:keep=0.5\" (see 'glimpse methods').")
    String reduce;

    @Option(names = {"-o", "--out"}, defaultValue = "glimpse-plan", paramLabel = "DIR",
            description = "Output directory (default: ${DEFAULT-VALUE}). It must be new, empty or an earlier plan "
                    + "output, which is replaced whole when the plan succeeds; any other folder is refused.")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    static final class Targets implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return CostModels.names().iterator();
        }
    }

    @Override
    public Integer call() throws Exception {
        if (query != null && model == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--query needs a text-capable encoder: pass --model DIR "
                    + "with a CLIP or SigLIP checkpoint (the default PatchStats encoder has no text tower)");
        }
        if (model != null && query == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--model is used to score frames against --query; "
                    + "give a query too");
        }
        PlanMethod planMethod = PlanMethod.parse(method);
        Pipeline pipeline = reduce == null ? null : Pipeline.of(reduce);
        PlanJob.Options options = new PlanJob.Options(budget, CostModels.forName(target).name(), planMethod, fps,
                pipeline, query == null ? null : new PlanJob.Query(model, query), dedup);
        options.request(); // rejects a bad budget or fps before any decoding starts
        run(video, options, out, spec.commandLine());
        return GlimpseCli.OK;
    }

    /** Runs the job into a staged directory and reports where its outputs are. Shared with {@code demo}. */
    static Path run(Path video, PlanJob.Options options, Path out, CommandLine cl) throws Exception {
        PlanJob.Result result;
        try (OutputDir dir = OutputDir.stage(out, PlanOutputs::isOutputName); Progress progress = Progress.start("plan", 1)) {
            result = PlanJob.run(video, options, new PlanJob.Listener() {
                @Override
                public void total(long frames) {
                    progress.max(frames);
                }

                @Override
                public void done(long frames) {
                    progress.step(frames);
                }
            });
            dir.fill(staging -> PlanOutputs.write(result, staging));
            dir.commit();
        }
        for (String w : result.warnings()) {
            cl.getErr().println("glimpse: warning: " + w);
        }
        if (result.reduction() != null) {
            TextReport.stages(cl.getOut(), result.reduction().stages());
        }
        cl.getOut().printf(java.util.Locale.ROOT, "%d frames, %d of %d %s tokens, %d scenes, %d visual tokens; wrote %s%n",
                result.plan().frames().size(), result.plan().totalCost(), result.plan().budget(), result.plan().target(),
                result.plan().cuts().size() + 1, result.delivered().size(), out.toAbsolutePath().normalize());
        return out.toAbsolutePath().normalize().resolve(PlanOutputs.REPORT);
    }
}
