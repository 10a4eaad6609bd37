package io.glimpse.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs {@link ReducerBenchmark} with {@code -prof gc} and, in the same run, {@link VitSgemmBenchmark} for the ViTs
 * of the chosen shapes, then prints {@link CostTable}. Takes JMH's own options, e.g.
 * {@code -p shape=576x1024 -p spec=tome:keep=0.5 -wi 1 -i 2}.
 */
public final class ReducerCostReport {
    private static final String ALLOC_NORM = "gc.alloc.rate.norm";

    private ReducerCostReport() {
    }

    public static void main(String[] args) throws Exception {
        CommandLineOptions cli = new CommandLineOptions(args);
        Collection<String> shapes = cli.getParameter("shape").orElse(defaults("shape"));
        Set<String> vits = new LinkedHashSet<>();
        for (String s : shapes) {
            vits.add(InputShape.parse(s).vit().id());
        }
        Options options = new OptionsBuilder().parent(cli)
                .include(Pattern.quote(ReducerBenchmark.class.getName()) + "\\.")
                .include(Pattern.quote(VitSgemmBenchmark.class.getName()) + "\\.")
                .param("vit", vits.toArray(String[]::new))
                .addProfiler(GCProfiler.class)
                .build();
        Collection<RunResult> results = new Runner(options).run();

        List<CostTable.Method> methods = new ArrayList<>();
        Map<VitModel, Double> fc1 = new LinkedHashMap<>();
        for (RunResult r : results) {
            BenchmarkParams p = r.getParams();
            Result<?> primary = r.getPrimaryResult();
            double scale = p.getTimeUnit().toNanos(1) / 1e6;
            if (p.getBenchmark().startsWith(VitSgemmBenchmark.class.getName())) {
                fc1.put(VitModel.byId(p.getParam("vit")), primary.getScore() * scale);
            } else {
                methods.add(new CostTable.Method(p.getParam("spec"), p.getParam("shape"), primary.getScore() * scale,
                        primary.getScoreError() * scale, allocation(r)));
            }
        }
        System.out.println();
        System.out.print(CostTable.render(methods, fc1));
    }

    private static Collection<String> defaults(String field) throws NoSuchFieldException {
        return Arrays.asList(ReducerBenchmark.class.getField(field).getAnnotation(Param.class).value());
    }

    /** Bytes allocated per operation as the GC profiler reports it; its label's prefix varies across JMH versions. */
    private static double allocation(RunResult r) {
        for (Map.Entry<String, Result> e : r.getSecondaryResults().entrySet()) {
            if (e.getKey().endsWith(ALLOC_NORM)) {
                return e.getValue().getScore();
            }
        }
        return Double.NaN;
    }
}
