package io.glimpse.cli;

import io.glimpse.image.RgbImage;
import io.glimpse.lm.TextTokenizer;
import io.glimpse.media.FrameSize;
import io.glimpse.media.Sampling;
import io.glimpse.media.VideoSource;
import io.glimpse.vision.DualEncoder;
import io.glimpse.vision.ImageProcessor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

/**
 * {@code glimpse similarity --model DIR --text "…" IMAGE…}: images ranked by their match with each text under a CLIP
 * or SigLIP dual encoder. CLIP's probability is the softmax of the logits over the images given (its
 * logits_per_text), SigLIP's the sigmoid of each logit on its own, as the two models were trained.
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
        DualEncoder dual = DualEncoder.load(model);
        ImageProcessor processor = ImageProcessor.read(model.resolve("preprocessor_config.json"));
        boolean clip = dual.vision().config().hasCls();
        float[][] imageEmb = new float[images.size()][];
        for (int i = 0; i < images.size(); i++) {
            imageEmb[i] = dual.imageEmbedding(pixels(images.get(i), processor, dual.vision().config().imageSize()));
        }
        PrintWriter out = spec.commandLine().getOut();
        try (TextTokenizer tokenizer = TextTokenizer.load(model)) {
            for (String text : texts) {
                int[] ids = dual.text().fitIds(tokenizer.encode(text, true));
                float[] textEmb = dual.textEmbedding(ids);
                double[] cosine = new double[images.size()];
                double[] logit = new double[images.size()];
                for (int i = 0; i < images.size(); i++) {
                    cosine[i] = dot(imageEmb[i], textEmb);
                    logit[i] = dual.logit(imageEmb[i], textEmb);
                }
                double[] prob = clip ? softmax(logit) : sigmoid(logit);
                printTable(out, text, ids.length, cosine, logit, prob, clip ? "softmax" : "sigmoid");
            }
        }
        return GlimpseCli.OK;
    }

    private void printTable(PrintWriter out, String text, int tokens, double[] cosine, double[] logit, double[] prob, String probName) {
        int width = Math.max(5, images.stream().mapToInt(p -> p.getFileName().toString().length()).max().orElse(5));
        out.printf(Locale.ROOT, "text: \"%s\" (%d tokens)%n", text, tokens);
        out.printf(Locale.ROOT, "%4s  %-" + width + "s  %9s  %10s  %9s%n", "rank", "image", "cosine", "logit", probName);
        int[] order = IntStream.range(0, logit.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -logit[i]).thenComparingInt(i -> i))
                .mapToInt(Integer::intValue).toArray();
        for (int r = 0; r < order.length; r++) {
            int i = order[r];
            out.printf(Locale.ROOT, "%4d  %-" + width + "s  %9.6f  %10.6f  %9.6f%n", r + 1, images.get(i).getFileName(),
                    cosine[i], logit[i], prob[i]);
        }
    }

    private static float[] pixels(Path image, ImageProcessor processor, int size) {
        RgbImage frame;
        try (VideoSource src = VideoSource.open(image)) {
            var it = src.frames(Sampling.count(1), FrameSize.original());
            if (!it.hasNext()) {
                throw new IllegalArgumentException(image + ": no frame could be decoded");
            }
            frame = it.next();
        }
        int w = processor.outputWidth(frame.width(), frame.height());
        int h = processor.outputHeight(frame.width(), frame.height());
        if (w != size || h != size) {
            throw new IllegalArgumentException(image + ": the image processor makes " + w + "x" + h
                    + " images but the vision tower takes " + size + "x" + size);
        }
        return processor.process(frame);
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    private static double[] softmax(double[] x) {
        double max = Arrays.stream(x).max().orElse(0);
        double[] e = Arrays.stream(x).map(v -> Math.exp(v - max)).toArray();
        double sum = Arrays.stream(e).sum();
        return Arrays.stream(e).map(v -> v / sum).toArray();
    }

    private static double[] sigmoid(double[] x) {
        return Arrays.stream(x).map(v -> 1 / (1 + Math.exp(-v))).toArray();
    }
}
