package io.glimpse.cli;

import io.glimpse.io.BadInputException;
import io.glimpse.io.HeapLimit;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/**
 * The {@code glimpse} command. Exit codes: 0 ok, 1 usage error, 2 bad input, 3 internal error.
 */
@Command(name = "glimpse", mixinStandardHelpOptions = true, versionProvider = GlimpseCli.Version.class,
        description = "Lets vision-language models see more with fewer tokens: plans frames under a token budget, "
                + "encodes them and reduces the visual tokens.",
        subcommands = {PlanCommand.class, DemoCommand.class, EncodeCommand.class, SimilarityCommand.class, AskCommand.class,
                ReduceCommand.class, CompareCommand.class,
                MethodsCommand.class,
                BenchCommand.class, CommandLine.HelpCommand.class})
public final class GlimpseCli implements Runnable {
    public static final int OK = 0;
    public static final int USAGE = 1;
    public static final int BAD_INPUT = 2;
    public static final int INTERNAL = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the CLI with the given streams and returns the exit code (used by tests in-process). */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new GlimpseCli());
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((ex, a) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("glimpse: " + ex.getMessage());
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for usage.");
            return USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            c.getErr().println("glimpse: " + describe(ex));
            if (!(ex instanceof BadInputException) && Boolean.getBoolean("glimpse.debug")) {
                ex.printStackTrace(c.getErr());
            }
            return isBadInput(ex) ? BAD_INPUT : INTERNAL;
        });
        int code;
        try {
            code = cl.execute(args);
        } catch (OutOfMemoryError e) {
            err.println("glimpse: out of memory (" + e.getMessage() + "): " + HeapLimit.advice());
            code = BAD_INPUT;
        }
        out.flush();
        err.flush();
        return code;
    }

    private static boolean isBadInput(Throwable ex) {
        return ex instanceof BadInputException || ex instanceof NoSuchFileException || ex instanceof AccessDeniedException
                || ex instanceof IllegalArgumentException;
    }

    private static String describe(Throwable ex) {
        if (ex instanceof NoSuchFileException e) {
            return e.getFile() + ": no such file";
        }
        if (ex instanceof AccessDeniedException e) {
            return e.getFile() + ": permission denied";
        }
        String m = ex.getMessage();
        String line = m == null ? ex.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
        return ex instanceof BadInputException || ex instanceof IllegalArgumentException
                ? line : "internal error: " + ex.getClass().getSimpleName() + ": " + line;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = GlimpseCli.class.getPackage().getImplementationVersion();
            return new String[]{"glimpse " + (v == null ? "development build" : v)};
        }
    }
}
