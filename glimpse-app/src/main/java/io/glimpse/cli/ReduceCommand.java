package io.glimpse.cli;

import io.glimpse.job.ReduceJob;
import io.glimpse.reduce.Pipeline;
import io.glimpse.report.TextReport;
import io.glimpse.tokens.Fidelity;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code glimpse reduce IN --pipeline SPEC -o OUT}: run a reduction pipeline on any encoder's output. */
@Command(name = "reduce", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Reduce the visual tokens in a safetensors file with a pipeline of methods, keeping provenance.",
                "Input: a Glimpse token file, or an [N,D] / [T,H*W,D] float tensor (attention maps as attention.<key> tensors).",
                "Methods: see 'glimpse methods'."})
public final class ReduceCommand implements Callable<Integer> {
    @CommandLine.Mixin
    TokenInputOptions input = new TokenInputOptions();

    @Option(names = {"-p", "--pipeline"}, required = true, paramLabel = "SPEC",
            description = "e.g. \"tome:keep=0.5 > kcenter:k=64\"")
    String pipeline;

    @Option(names = "--budget", paramLabel = "N", description = "Final token budget shared out over stages without their own.")
    Integer budget;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "OUT", description = "Glimpse token file to write.")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Pipeline p = Pipeline.of(pipeline);
        ReduceJob.Reduced r = ReduceJob.reduce(input.input(spec.commandLine()), budget == null ? p : p.withFinalBudget(budget), out);
        PrintWriter w = spec.commandLine().getOut();
        TextReport.stages(w, r.result().stages());
        Fidelity f = r.fidelity();
        // A pruner's kept patches are their own tokens (cos 1), so the dropped ones' distance to what was kept is the news.
        w.printf(Locale.ROOT, "%d -> %d tokens, kept or merged patches: mean cos %.4f, worst %.4f; %d patches dropped",
                r.original().size(), r.result().tokens().size(), f.meanCosine(), f.worstCosine(), f.dropped());
        if (f.dropped() > 0) {
            w.printf(Locale.ROOT, ": nearest kept token mean cos %.4f, worst %.4f", f.droppedMeanCosine(), f.droppedWorstCosine());
        }
        w.printf(Locale.ROOT, "; coverage radius %.4f; wrote %s%n", f.coverageRadius(), out);
        return GlimpseCli.OK;
    }
}
