package io.glimpse.job;

import io.glimpse.clip.DualEncoder;
import io.glimpse.image.RgbImage;
import io.glimpse.io.BadInputException;
import io.glimpse.lm.TextTokenizer;
import io.glimpse.tensor.VectorOps;
import io.glimpse.vision.ImageProcessor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Images against texts under a CLIP or SigLIP dual encoder: {@code glimpse similarity}. CLIP's probability is the
 * softmax of the logits over the images given (its logits_per_text), SigLIP's the sigmoid of each logit on its own,
 * as the two models were trained.
 */
public final class SimilarityJob {
    /** How a logit becomes a probability. */
    public enum Probability { SOFTMAX, SIGMOID }

    /**
     * One text against every image, in the images' order.
     *
     * @param tokens the text's token ids after fitting to the text tower (SigLIP pads to its length)
     */
    public record Scores(String text, int tokens, double[] cosine, double[] logit, double[] probability) {
    }

    /** @param probability how {@link Scores#probability()} was made from the logits */
    public record Result(Probability probability, List<Scores> texts) {
    }

    private SimilarityJob() {
    }

    public static Result run(Path model, List<Path> images, List<String> texts, Consumer<String> warnings) throws IOException {
        DualEncoder dual = DualEncoder.load(model);
        ImageProcessor processor = ImageProcessor.read(model.resolve("preprocessor_config.json"));
        Probability kind = dual.vision().config().hasCls() ? Probability.SOFTMAX : Probability.SIGMOID;
        int size = dual.vision().config().imageSize();
        FrameReader reader = new FrameReader(warnings);
        float[][] imageEmb = new float[images.size()][];
        for (int i = 0; i < images.size(); i++) {
            imageEmb[i] = dual.imageEmbedding(pixels(images.get(i), reader.first(images.get(i)), processor, size));
        }
        List<Scores> out = new ArrayList<>();
        try (TextTokenizer tokenizer = TextTokenizer.load(model)) {
            for (String text : texts) {
                int[] ids = dual.text().fitIds(tokenizer.encode(text, true));
                float[] textEmb = dual.textEmbedding(ids);
                double[] cosine = new double[images.size()];
                double[] logit = new double[images.size()];
                for (int i = 0; i < images.size(); i++) {
                    cosine[i] = VectorOps.cosine(imageEmb[i], 0, textEmb, 0, textEmb.length);
                    logit[i] = dual.logit(imageEmb[i], textEmb);
                }
                out.add(new Scores(text, ids.length, cosine, logit, kind == Probability.SOFTMAX ? softmax(logit) : sigmoid(logit)));
            }
        }
        return new Result(kind, out);
    }

    private static float[] pixels(Path file, RgbImage frame, ImageProcessor processor, int size) {
        int w = processor.outputWidth(frame.width(), frame.height());
        int h = processor.outputHeight(frame.width(), frame.height());
        if (w != size || h != size) {
            throw new BadInputException(file + ": the image processor makes " + w + "x" + h
                    + " images but the vision tower takes " + size + "x" + size);
        }
        return processor.process(frame);
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
