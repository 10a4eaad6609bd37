package io.glimpse.cli;

import io.glimpse.io.AtomicFiles;
import io.glimpse.reduce.Pipeline;
import io.glimpse.reduce.ReduceContext;
import io.glimpse.reduce.StageReport;
import io.glimpse.tokens.EncoderOutput;
import io.glimpse.tokens.Fidelity;
import io.glimpse.tokens.TokenFile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code glimpse reduce IN --pipeline SPEC -o OUT}: run a reduction pipeline on any encoder's output. */
@Command(name = "reduce", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Reduce the visual tokens in a safetensors file with a pipeline of methods, keeping provenance.",
                "Input: a Glimpse token file, or an [N,D] / [T,H*W,D] float tensor (attention maps as attention.<key> tensors).",
                "Methods: see 'glimpse methods'."})
public final class ReduceCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "IN", description = "safetensors file with the tokens")
    Path in;

    @Option(names = {"-p", "--pipeline"}, required = true, paramLabel = "SPEC",
            description = "e.g. \"tome:keep=0.5 > kcenter:k=64\"")
    String pipeline;

    @Option(names = "--budget", paramLabel = "N", description = "Final token budget shared out over stages without their own.")
    Integer budget;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "OUT", description = "Glimpse token file to write.")
    Path out;

    @Option(names = "--seed", defaultValue = "0", description = "Seed for methods with randomness (default: ${DEFAULT-VALUE}).")
    long seed;

    @CommandLine.Mixin
    TokenInputOptions input = new TokenInputOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        AtomicFiles.checkTarget(out);
        Pipeline p = pipeline(pipeline, budget);
        EncoderOutput eo = input.read(in);
        Pipeline.Result r = p.run(eo.tokens(), new ReduceContext(seed, eo.attention(), null));
        TokenFile.write(r.tokens(), out, Map.of("pipeline", p.spec().toString(), "source", in.getFileName().toString()),
                eo.attention());
        PrintWriter w = spec.commandLine().getOut();
        printStages(w, r);
        Fidelity f = Fidelity.of(eo.tokens(), r.tokens());
        w.printf(Locale.ROOT, "%d -> %d tokens, mean cos %.4f, worst %.4f, %d patches dropped; wrote %s%n",
                eo.tokens().size(), r.tokens().size(), f.meanCosine(), f.worstCosine(), f.dropped(), out);
        return GlimpseCli.OK;
    }

    static Pipeline pipeline(String text, Integer budget) {
        Pipeline p = Pipeline.of(text);
        return budget == null ? p : p.withFinalBudget(budget);
    }

    static void printStages(PrintWriter w, Pipeline.Result r) {
        for (StageReport s : r.stages()) {
            w.printf(Locale.ROOT, "  %-36s %7d -> %7d tokens  %9.2f ms%n", s.stage(), s.tokensIn(), s.tokensOut(), s.nanos() / 1e6);
        }
    }
}
