package io.glimpse.cli;

import io.glimpse.io.BadInputException;
import io.glimpse.io.HeapLimit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.ServiceLoader;

/**
 * The {@code glimpse} command. Exit codes: 0 ok, 1 usage error, 2 bad input (a {@link BadInputException}, a missing or
 * unreadable file), 3 internal error: anything else, a plain {@link IllegalArgumentException} included, is a bug.
 */
@Command(name = "glimpse", mixinStandardHelpOptions = true, versionProvider = GlimpseCli.Version.class,
        description = "Lets vision-language models see more with fewer tokens: plans frames under a token budget, "
                + "encodes them and reduces the visual tokens.",
        subcommands = {PlanCommand.class, ScenesCommand.class, DemoCommand.class, EncodeCommand.class, SimilarityCommand.class,
                AskCommand.class, CompleteCommand.class, ServeCommand.class,
                ReduceCommand.class, CompareCommand.class,
                MethodsCommand.class})
public final class GlimpseCli implements Runnable {
    public static final int OK = 0;
    public static final int USAGE = 1;
    public static final int BAD_INPUT = 2;
    public static final int INTERNAL = 3;
    private static final String VERBOSE = "--verbose";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-v", VERBOSE}, scope = CommandLine.ScopeType.INHERIT,
            description = "On an internal error, also print the stack trace.")
    boolean verbose;

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the CLI with the given streams and returns the exit code (used by tests in-process). */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new GlimpseCli());
        for (CommandExtension e : ServiceLoader.load(CommandExtension.class)) {
            cl.addSubcommand(e.command());
        }
        cl.addSubcommand(new CommandLine.HelpCommand());
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((ex, a) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("glimpse: " + ex.getMessage());
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for usage.");
            return USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            String bad = badInput(ex);
            if (bad != null) {
                c.getErr().println("glimpse: " + bad);
                return BAD_INPUT;
            }
            c.getErr().println("glimpse: internal error (a bug): " + ex.getClass().getSimpleName() + ": " + firstLine(ex)
                    + (verbose(parsed) ? "" : " (-v prints the stack trace)"));
            if (verbose(parsed)) {
                ex.printStackTrace(c.getErr());
            }
            return INTERNAL;
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

    /** The one line to print when {@code ex} is the user's input at fault, else null. */
    private static String badInput(Throwable ex) {
        return switch (ex) {
            case BadInputException e -> firstLine(e);
            case NoSuchFileException e -> e.getFile() + ": no such file";
            case AccessDeniedException e -> e.getFile() + ": permission denied";
            default -> null;
        };
    }

    private static String firstLine(Throwable ex) {
        String m = ex.getMessage();
        return m == null ? ex.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }

    /** Whether {@code -v} was given, before the verb or after it. */
    private static boolean verbose(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption(VERBOSE)) {
                return true;
            }
        }
        return false;
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
