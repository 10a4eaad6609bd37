package io.glimpse.job;

import io.glimpse.io.AtomicFiles;
import io.glimpse.reduce.Pipeline;
import io.glimpse.reduce.ReduceContext;
import io.glimpse.report.CompareReport;
import io.glimpse.tokens.VisualTokens;
import io.glimpse.tokens.Fidelity;
import io.glimpse.tokens.TokenFile;
import io.glimpse.tokens.TokenSet;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reduction pipelines on any encoder's output file: one pipeline written to a token file ({@code glimpse reduce}),
 * or several side by side with their fidelity ({@code glimpse compare}).
 */
public final class ReduceJob {
    /**
     * The tokens to reduce and how to read them.
     *
     * @param gridH   patch rows of each frame when the file does not say, or 0 (metadata, else a square)
     * @param gridW   patch columns, likewise
     * @param dropCls the first token of each frame is a CLS token to drop
     * @param fps     frame rate for timestamps of [T,N,D] input
     * @param seed    for methods with randomness
     */
    public record Input(Path file, int gridH, int gridW, boolean dropCls, double fps, long seed) {
    }

    /** The input's tokens, the reduction and how faithfully it represents them. */
    public record Reduced(TokenSet original, Pipeline.Result result, Fidelity fidelity) {
    }

    /** One compared pipeline, timed. */
    public record Compared(Pipeline pipeline, Pipeline.Result result, Fidelity fidelity, double millis) {
    }

    private ReduceJob() {
    }

    /** Runs {@code pipeline} and writes the reduced tokens, with the input's attention maps, to {@code out}. */
    public static Reduced reduce(Input in, Pipeline pipeline, Path out) throws IOException {
        AtomicFiles.checkTarget(out);
        VisualTokens eo = read(in);
        Pipeline.Result r = pipeline.run(eo.tokens(), context(in, eo));
        TokenFile.write(r.tokens(), out, Map.of("pipeline", pipeline.spec().toString(), "source", in.file().getFileName().toString()),
                eo.attention());
        return new Reduced(eo.tokens(), r, Fidelity.of(eo.tokens(), r.tokens()));
    }

    /**
     * Runs each pipeline on the same tokens, passing each result to {@code each} as it is done; with {@code html},
     * also writes a side-by-side page showing {@code htmlFrames} frames per pipeline.
     */
    public static void compare(Input in, List<Pipeline> pipelines, Path html, int htmlFrames, Consumer<Compared> each)
            throws IOException {
        if (html != null) {
            AtomicFiles.checkTarget(html);
        }
        VisualTokens eo = read(in);
        ReduceContext ctx = context(in, eo);
        List<Compared> out = new ArrayList<>();
        for (Pipeline p : pipelines) {
            long t0 = System.nanoTime();
            Pipeline.Result r = p.run(eo.tokens(), ctx);
            double ms = (System.nanoTime() - t0) / 1e6;
            Compared c = new Compared(p, r, Fidelity.of(eo.tokens(), r.tokens()), ms);
            each.accept(c);
            out.add(c);
        }
        if (html != null) {
            List<CompareReport.Row> rows = out.stream()
                    .map(c -> new CompareReport.Row(c.pipeline().spec().toString(), c.result().tokens(), c.fidelity(), c.millis()))
                    .toList();
            AtomicFiles.writeString(html, CompareReport.render(in.file().getFileName().toString(), eo.tokens(), rows, htmlFrames));
        }
    }

    private static VisualTokens read(Input in) throws IOException {
        return VisualTokens.read(in.file(), in.gridH(), in.gridW(), in.dropCls(), in.fps());
    }

    private static ReduceContext context(Input in, VisualTokens eo) {
        return new ReduceContext(in.seed(), eo.attention(), null);
    }
}
