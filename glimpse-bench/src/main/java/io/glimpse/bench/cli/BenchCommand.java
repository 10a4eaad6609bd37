package io.glimpse.bench.cli;

import io.glimpse.cli.CommandExtension;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code glimpse bench}: measurements that compare against a reference taken in the same run. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks with an in-run reference.",
        subcommands = {BenchPlanCommand.class, BenchEncodeCommand.class, BenchAskCommand.class, BenchServeCommand.class,
                BenchCorpusCommand.class, BenchDecodeCommand.class, BenchSpeculateCommand.class})
public final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Adds {@code bench} to {@code glimpse}. */
    public static final class Extension implements CommandExtension {
        @Override
        public Object command() {
            return new BenchCommand();
        }
    }
}
