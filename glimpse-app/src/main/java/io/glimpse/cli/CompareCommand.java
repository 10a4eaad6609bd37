package io.glimpse.cli;

import io.glimpse.job.ReduceJob;
import io.glimpse.reduce.Pipeline;
import io.glimpse.tokens.Fidelity;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code glimpse compare IN --pipelines A,B,C}: several reductions of the same tokens side by side. */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run several pipelines on the same tokens and compare tokens kept, reconstruction cosine "
                + "(each original patch against the token that represents it), coverage radius and time."})
public final class CompareCommand implements Callable<Integer> {
    @CommandLine.Mixin
    TokenInputOptions input = new TokenInputOptions();

    @Option(names = "--pipelines", required = true, paramLabel = "A,B,...",
            description = "Pipelines separated by ',' or ';' (a ',' followed by key=value continues the stage).")
    String pipelines;

    @Option(names = "--html", paramLabel = "FILE", description = "Also write a side-by-side page with per-frame heatmaps.")
    Path html;

    @Option(names = "--html-frames", defaultValue = "8", paramLabel = "N", description = "Frames shown per pipeline in the page (default: ${DEFAULT-VALUE}).")
    int htmlFrames;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (htmlFrames < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--html-frames must be at least 1");
        }
        List<Pipeline> ps = split(pipelines).stream().map(Pipeline::of).toList();
        if (ps.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--pipelines names no pipeline");
        }
        PrintWriter w = spec.commandLine().getOut();
        w.printf(Locale.ROOT, "%-40s %8s %9s %9s %9s %9s %10s%n", "pipeline", "tokens", "dropped", "mean cos", "worst cos",
                "radius", "ms");
        ReduceJob.compare(input.input(spec.commandLine()), ps, html, htmlFrames, c -> {
            Fidelity f = c.fidelity();
            w.printf(Locale.ROOT, "%-40s %8d %9d %9.4f %9.4f %9.4f %10.2f%n", c.pipeline().spec(), f.tokens(), f.dropped(),
                    f.meanCosine(), f.worstCosine(), f.coverageRadius(), c.millis());
        });
        if (html != null) {
            w.println("wrote " + html);
        }
        return GlimpseCli.OK;
    }

    /**
     * Splits a list of pipelines. ';' always separates; ',' separates unless what follows is a key=value
     * parameter of the current stage (text with '=' before any ':' or '>').
     */
    static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        for (String group : text.split(";")) {
            StringBuilder cur = new StringBuilder();
            for (String part : group.split(",", -1)) {
                String p = part.strip();
                int eq = p.indexOf('=');
                int colon = p.indexOf(':');
                int gt = p.indexOf('>');
                boolean param = eq > 0 && (colon < 0 || eq < colon) && (gt < 0 || eq < gt);
                if (param && cur.length() > 0) {
                    cur.append(',').append(p);
                } else {
                    if (cur.length() > 0) {
                        out.add(cur.toString());
                    }
                    cur = new StringBuilder(p);
                }
            }
            if (cur.length() > 0) {
                out.add(cur.toString());
            }
        }
        out.removeIf(String::isBlank);
        return out;
    }
}
