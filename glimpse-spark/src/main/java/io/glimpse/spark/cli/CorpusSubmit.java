package io.glimpse.spark.cli;

import io.glimpse.cli.GlimpseCli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Entry point for {@code spark-submit --class io.glimpse.spark.cli.CorpusSubmit glimpse-spark.jar IN TABLE [options]}:
 * the same command as {@code glimpse corpus IN --out TABLE [options]}, with the master spark-submit was given.
 */
public final class CorpusSubmit {
    private CorpusSubmit() {
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        if (args.length < 2 || args[0].startsWith("-") || args[1].startsWith("-")) {
            err.println("usage: spark-submit --class " + CorpusSubmit.class.getName()
                    + " glimpse-spark.jar IN TABLE [glimpse corpus options]");
            System.exit(GlimpseCli.USAGE);
        }
        List<String> corpus = new ArrayList<>(List.of("corpus", args[0], "--out", args[1]));
        corpus.addAll(List.of(args).subList(2, args.length));
        System.exit(GlimpseCli.run(out, err, corpus.toArray(String[]::new)));
    }
}
