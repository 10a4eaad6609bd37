package io.glimpse.cli;

import io.glimpse.reduce.StageReport;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/** What every command prints the same way: warnings on stderr, and one line per reduction stage. */
final class Console {
    private Console() {
    }

    /** Prints each warning (one line naming the input) to the command's stderr. */
    static Consumer<String> warnings(CommandLine cl) {
        return w -> cl.getErr().println("glimpse: warning: " + w);
    }

    /** A stage's spec, tokens in and out, and time. */
    static void stages(PrintWriter w, List<StageReport> stages) {
        for (StageReport s : stages) {
            w.printf(Locale.ROOT, "  %-36s %7d -> %7d tokens  %9.2f ms%n", s.stage(), s.tokensIn(), s.tokensOut(), s.nanos() / 1e6);
        }
    }
}
