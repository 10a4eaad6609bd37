package io.glimpse.cli;

import io.glimpse.reduce.ReducerMethod;
import io.glimpse.reduce.Reducers;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code glimpse methods}: the reduction methods of the spec language and their parameters. */
@Command(name = "methods", mixinStandardHelpOptions = true,
        description = "List the token-reduction methods usable in --pipeline / --reduce specs, with their parameters.")
public final class MethodsCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        for (ReducerMethod m : Reducers.registry().methods()) {
            spec.commandLine().getOut().println(m.describe());
        }
        return GlimpseCli.OK;
    }
}
