package io.glimpse.cli;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * A progress bar on stderr when stderr is a terminal, nothing otherwise (logs stay quiet in pipes and CI). It is
 * stderr that counts, not System.console() (stdin and stdout): {@code > out.txt} keeps the bar on the screen and
 * {@code 2> log} keeps carriage returns out of the log.
 */
final class Progress implements AutoCloseable {
    private final ProgressBar bar;

    private Progress(ProgressBar bar) {
        this.bar = bar;
    }

    static Progress start(String task, long total) {
        if (!stderrIsTerminal()) {
            return new Progress(null);
        }
        return new Progress(new ProgressBarBuilder().setTaskName(task).setInitialMax(Math.max(total, 1))
                .setStyle(ProgressBarStyle.ASCII).setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err))
                .continuousUpdate().build());
    }

    /**
     * The launcher answers with {@code -Dglimpse.stderr.terminal} (it pipes the JVM's stderr through a filter, so the
     * JVM's own descriptor 2 is never the terminal); without it, isatty(2) from the C library.
     */
    static boolean stderrIsTerminal() {
        String told = System.getProperty("glimpse.stderr.terminal");
        if (told != null) {
            return Boolean.parseBoolean(told);
        }
        try {
            Linker linker = Linker.nativeLinker();
            MethodHandle isatty = linker.downcallHandle(linker.defaultLookup().find("isatty").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            return (int) isatty.invokeExact(2) == 1;
        } catch (Throwable e) {
            return false;
        }
    }

    void step(long to) {
        if (bar != null) {
            bar.stepTo(Math.min(to, bar.getMax()));
        }
    }

    void max(long total) {
        if (bar != null) {
            bar.maxHint(Math.max(total, 1));
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
