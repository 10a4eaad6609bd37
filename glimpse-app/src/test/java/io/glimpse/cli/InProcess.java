package io.glimpse.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs {@code glimpse} in the test's JVM and captures what it prints; shared with glimpse-bench's tests. */
public final class InProcess {
    private InProcess() {
    }

    public record Run(int code, String out, String err) {
    }

    public static Run glimpse(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = GlimpseCli.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }
}
