package io.glimpse.vision;

import io.glimpse.io.BadInputException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A CLIP dual encoder (transformers CLIPModel): image embedding = visual_projection(post_layernorm(CLS of the last
 * layer)), text embedding = text_projection(pooled text state), both L2-normalised; the logit of an image–text pair
 * is exp(logit_scale)·cosine.
 */
public final class ClipModel {
    private final VisionTower vision;
    private final TextTower text;
    private final float[] visualProjection;
    private final float[] textProjection;
    private final int projectionDim;
    private final double logitScale;

    private ClipModel(VisionTower vision, TextTower text, Checkpoint ckpt, Path configFile) {
        if (!vision.config().hasCls()) {
            throw new BadInputException(configFile + ": a CLIP dual encoder needs a CLIP vision tower, found "
                    + vision.config().family());
        }
        this.vision = vision;
        this.text = text;
        TensorLoader l = new TensorLoader(ckpt, configFile, "");
        io.glimpse.io.TensorData vp = ckpt.tensors().get("visual_projection.weight");
        if (vp == null || vp.rank() != 2) {
            throw new BadInputException(ckpt.anyFile() + ": missing tensor 'visual_projection.weight' (or not a matrix)");
        }
        projectionDim = vp.dim(0);
        visualProjection = l.load("visual_projection.weight", projectionDim, vision.config().hiddenSize());
        textProjection = l.load("text_projection.weight", projectionDim, text.dim());
        // Saved as a 0-d tensor by torch; some converters write shape [1].
        io.glimpse.io.TensorData ls = ckpt.tensors().get("logit_scale");
        logitScale = l.load("logit_scale", ls != null && ls.rank() == 1 ? new long[] {1} : new long[0])[0];
    }

    public static ClipModel load(Path dir) throws IOException {
        Path configFile = dir.resolve("config.json");
        if (!Files.isRegularFile(configFile)) {
            throw new BadInputException(dir + ": no config.json");
        }
        return new ClipModel(VisionTower.load(dir), TextTower.load(dir), Checkpoint.open(dir), configFile);
    }

    public VisionTower vision() {
        return vision;
    }

    public TextTower text() {
        return text;
    }

    /** The normalised image embedding of preprocessed pixels (3×S×S). */
    public float[] imageEmbedding(float[] pixels) {
        VisionOutput out = vision.forward(pixels, EncodeOptions.defaults().withLayer(-1).withPostLayerNorm(true));
        return project(visualProjection, out.cls());
    }

    /** The normalised text embedding of token ids. */
    public float[] textEmbedding(int[] ids) {
        return project(textProjection, text.forward(ids).pooled());
    }

    /** exp(logit_scale) · (image · text) for normalised embeddings. */
    public double logit(float[] imageEmbedding, float[] textEmbedding) {
        double dot = 0;
        for (int i = 0; i < projectionDim; i++) {
            dot += (double) imageEmbedding[i] * textEmbedding[i];
        }
        return Math.exp(logitScale) * dot;
    }

    private float[] project(float[] weight, float[] x) {
        int in = x.length;
        double[] y = new double[projectionDim];
        double norm = 0;
        for (int o = 0; o < projectionDim; o++) {
            double s = 0;
            for (int k = 0; k < in; k++) {
                s += (double) weight[o * in + k] * x[k];
            }
            y[o] = s;
            norm += s * s;
        }
        float[] out = new float[projectionDim];
        double inv = 1.0 / Math.sqrt(norm);
        for (int o = 0; o < projectionDim; o++) {
            out[o] = (float) (y[o] * inv);
        }
        return out;
    }
}
