package io.glimpse.spark.cli;

import io.glimpse.cli.CommandExtension;

/** Adds {@code corpus} to {@code glimpse} when this module is on the class path. */
public final class CorpusExtension implements CommandExtension {
    @Override
    public Object command() {
        return new CorpusCommand();
    }
}
