package io.glimpse.cli;

import io.glimpse.job.SimilarityJob;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

/**
 * {@code glimpse similarity --model DIR --text "…" IMAGE…}: images ranked by their match with each text under a CLIP
 * or SigLIP dual encoder (see {@link SimilarityJob}).
 */
@Command(name = "similarity", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Rank images by image-text similarity under a CLIP or SigLIP checkpoint folder (config.json, "
                + "*.safetensors, preprocessor_config.json, tokenizer.json or spiece.model)."})
public final class SimilarityCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "Image files (the first frame of a video).")
    List<Path> images;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Checkpoint folder of a CLIPModel or SiglipModel.")
    Path model;

    @Option(names = "--text", required = true, paramLabel = "TEXT", description = "Text to rank the images by; repeat for several tables.")
    List<String> texts;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        SimilarityJob.Result r = SimilarityJob.run(model, images, texts, Console.warnings(spec.commandLine()));
        String probName = r.probability().name().toLowerCase(Locale.ROOT);
        for (SimilarityJob.Scores s : r.texts()) {
            printTable(spec.commandLine().getOut(), s, probName);
        }
        return GlimpseCli.OK;
    }

    private void printTable(PrintWriter out, SimilarityJob.Scores s, String probName) {
        int width = Math.max(5, images.stream().mapToInt(p -> p.getFileName().toString().length()).max().orElse(5));
        out.printf(Locale.ROOT, "text: \"%s\" (%d tokens)%n", s.text(), s.tokens());
        out.printf(Locale.ROOT, "%4s  %-" + width + "s  %9s  %10s  %9s%n", "rank", "image", "cosine", "logit", probName);
        double[] logit = s.logit();
        int[] order = IntStream.range(0, logit.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -logit[i]).thenComparingInt(i -> i))
                .mapToInt(Integer::intValue).toArray();
        for (int r = 0; r < order.length; r++) {
            int i = order[r];
            out.printf(Locale.ROOT, "%4d  %-" + width + "s  %9.6f  %10.6f  %9.6f%n", r + 1, images.get(i).getFileName(),
                    s.cosine()[i], logit[i], s.probability()[i]);
        }
    }
}
