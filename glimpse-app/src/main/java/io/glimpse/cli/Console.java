package io.glimpse.cli;

import picocli.CommandLine;

import java.util.function.Consumer;

/** Warnings as every command prints them. */
final class Console {
    private Console() {
    }

    /** Prints each warning (one line naming the input) to the command's stderr. */
    static Consumer<String> warnings(CommandLine cl) {
        return w -> cl.getErr().println("glimpse: warning: " + w);
    }
}
