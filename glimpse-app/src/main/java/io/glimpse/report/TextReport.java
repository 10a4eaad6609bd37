package io.glimpse.report;

import io.glimpse.llava.Ask;
import io.glimpse.plan.Plan;
import io.glimpse.plan.PlannedFrame;
import io.glimpse.reduce.StageReport;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/** The plain-text lines the commands print about their results: reduction stages, a plan's frames, an answer's counts. */
public final class TextReport {
    private TextReport() {
    }

    /** One line per stage: its spec, tokens in and out, and time. */
    public static void stages(PrintWriter w, List<StageReport> stages) {
        for (StageReport s : stages) {
            w.printf(Locale.ROOT, "  %-36s %7d -> %7d tokens  %9.2f ms%n", s.stage(), s.tokensIn(), s.tokensOut(), s.nanos() / 1e6);
        }
    }

    /** The plan's totals, then one line per chosen frame. */
    public static void plan(PrintWriter w, Plan p, int candidates) {
        w.printf(Locale.ROOT, "plan: %d of %d candidate frames, %d of %d %s tokens%n", p.frames().size(), candidates,
                p.totalCost(), p.budget(), p.target());
        for (PlannedFrame f : p.frames()) {
            w.printf(Locale.ROOT, "  frame at %8.2f s  scene %d  clip %d  %dx%d  %d tokens%n", f.timestamp(), f.scene(), f.clip(),
                    f.width(), f.height(), f.cost());
        }
    }

    /** Visual tokens and rows through the stages of an answer, and its timings. */
    public static void answer(PrintWriter w, Ask.Stats s) {
        w.printf(Locale.ROOT, "visual tokens: %d from the encoder%n", s.encoderTokens());
        stages(w, s.stages());
        w.printf(Locale.ROOT, "visual rows to the decoder: %d (%d without reduction; prompt %d rows), %d at its last layer%n",
                s.visualRows(), s.unreducedRows(), s.promptRows(), s.visualRowsAtLastLayer());
        w.printf(Locale.ROOT, "encode %.1f ms, reduce %.1f ms, prefill %.1f ms, time to first token %.1f ms%n",
                s.encodeNanos() / 1e6, s.reduceNanos() / 1e6, s.prefillNanos() / 1e6, s.firstTokenNanos() / 1e6);
        w.printf(Locale.ROOT, "decode: %d tokens, %.2f tokens/s%n", s.generated(), s.decodeTokensPerSecond());
        w.printf(Locale.ROOT, "kv cache: %d bytes per token (%.1f KiB)%n", s.kvBytesPerToken(), s.kvBytesPerToken() / 1024.0);
        if (s.verifyForwards() > 0) {
            w.printf(Locale.ROOT, "speculation: %d verification forwards, %.2f tokens accepted per forward%n", s.verifyForwards(),
                    s.tokensPerForward());
        }
        w.flush();
    }
}
