package io.glimpse.clip;

import com.fasterxml.jackson.databind.JsonNode;
import io.glimpse.io.Checkpoint;
import io.glimpse.io.JsonFiles;
import io.glimpse.io.BadInputException;
import io.glimpse.io.TensorData;
import io.glimpse.tensor.VectorOps;
import io.glimpse.vision.TensorLoader;
import io.glimpse.vision.VisionTower;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An image–text dual encoder, transformers CLIPModel or SiglipModel. Embeddings are L2-normalised: CLIP projects
 * the pooled outputs with {@code visual_projection} / {@code text_projection}; SigLIP uses the pooled outputs of its
 * heads directly. The logit of an image–text pair is exp(logit_scale)·cosine, plus {@code logit_bias} for SigLIP
 * (whose probability is the sigmoid of that logit, CLIP's a softmax over candidates).
 */
public final class DualEncoder {
    private final VisionTower vision;
    private final TextTower text;
    private final float[] visualProjection;
    private final float[] textProjection;
    private final int dim;
    private final double logitScale;
    private final double logitBias;

    private DualEncoder(VisionTower vision, TextTower text, Checkpoint ckpt, Path configFile) {
        this.vision = vision;
        this.text = text;
        TensorLoader l = new TensorLoader(ckpt, configFile, "");
        if (vision.config().hasCls()) {
            TensorData vp = ckpt.tensors().get("visual_projection.weight");
            if (vp == null || vp.rank() != 2) {
                throw new BadInputException(ckpt.anyFile() + ": missing tensor 'visual_projection.weight' (or not a matrix)");
            }
            dim = vp.dim(0);
            visualProjection = l.load("visual_projection.weight", dim, vision.config().hiddenSize());
            textProjection = l.load("text_projection.weight", dim, text.pooledDim());
            logitBias = 0;
        } else {
            dim = vision.config().hiddenSize();
            if (text.pooledDim() != dim) {
                throw new BadInputException(configFile + ": text projection_size " + text.pooledDim()
                        + " differs from the vision hidden_size " + dim);
            }
            visualProjection = null;
            textProjection = null;
            logitBias = scalar(l, ckpt, "logit_bias");
        }
        logitScale = scalar(l, ckpt, "logit_scale");
    }

    /** torch saves these parameters 0-d (CLIP) or with shape [1] (SigLIP). */
    private static double scalar(TensorLoader l, Checkpoint ckpt, String name) {
        TensorData t = ckpt.tensors().get(name);
        return l.load(name, t != null && t.rank() == 1 ? new long[] {1} : new long[0])[0];
    }

    public static DualEncoder load(Path dir) throws IOException {
        Path configFile = dir.resolve("config.json");
        if (!Files.isRegularFile(configFile)) {
            throw new BadInputException(dir + ": no config.json");
        }
        Checkpoint ckpt = Checkpoint.open(dir);
        JsonNode root = JsonFiles.readObject(configFile);
        return new DualEncoder(VisionTower.load(ckpt, root, configFile), TextTower.load(ckpt, root, configFile), ckpt, configFile);
    }

    public VisionTower vision() {
        return vision;
    }

    public TextTower text() {
        return text;
    }

    /** The normalised image embedding of preprocessed pixels (3×S×S). */
    public float[] imageEmbedding(float[] pixels) {
        return normalizedProjection(visualProjection, vision.pooledOutput(pixels));
    }

    /** The normalised text embedding of token ids. */
    public float[] textEmbedding(int[] ids) {
        return normalizedProjection(textProjection, text.forward(ids).pooled());
    }

    /** exp(logit_scale) · cos(image, text) + logit_bias (the embeddings are normalised, so the cosine is their dot product). */
    public double logit(float[] imageEmbedding, float[] textEmbedding) {
        return Math.exp(logitScale) * VectorOps.cosine(imageEmbedding, 0, textEmbedding, 0, dim) + logitBias;
    }

    /** weight·x (or x itself when weight is null), scaled to unit length. */
    private float[] normalizedProjection(float[] weight, float[] x) {
        int in = x.length;
        double[] y = new double[dim];
        double norm = 0;
        for (int o = 0; o < dim; o++) {
            double s = 0;
            if (weight == null) {
                s = x[o];
            } else {
                for (int k = 0; k < in; k++) {
                    s += (double) weight[o * in + k] * x[k];
                }
            }
            y[o] = s;
            norm += s * s;
        }
        float[] out = new float[dim];
        double inv = 1.0 / Math.sqrt(norm);
        for (int o = 0; o < dim; o++) {
            out[o] = (float) (y[o] * inv);
        }
        return out;
    }
}
