package io.glimpse.lm;

import io.glimpse.tensor.Gemm;
import io.glimpse.tensor.Softmax;

import java.util.Arrays;

/**
 * The self-attention of one decoder layer during a prefill, for pruners that rank tokens by it. The last row's
 * head-mean probabilities come free with the layer; whole per-head matrices are recomputed on request from the
 * layer's queries and cached keys, so layers nobody inspects never materialise them.
 */
public final class LayerAttention {
    private final Gemm gemm = Gemm.get();
    private final KvCache cache;
    private final int layer;
    private final float[] qkv;
    private final int qkvWidth;
    private final int heads;
    private final int groupSize;
    private final int headDim;
    private final int past;
    private final int rows;
    private final int[] originalRows;
    private final int[] visibleRows;
    private final float[] lastRowMean;

    LayerAttention(KvCache cache, int layer, float[] qkv, int qkvWidth, int heads, int groupSize, int past,
                   int[] originalRows, int[] visibleRows, float[] lastRowMean) {
        this.cache = cache;
        this.layer = layer;
        this.qkv = qkv;
        this.qkvWidth = qkvWidth;
        this.heads = heads;
        this.groupSize = groupSize;
        this.headDim = cache.headDim();
        this.past = past;
        this.rows = originalRows.length;
        this.originalRows = originalRows;
        this.visibleRows = visibleRows;
        this.lastRowMean = lastRowMean;
    }

    public int heads() {
        return heads;
    }

    /** Query rows: the tokens of the current call that reached this layer. */
    public int rows() {
        return rows;
    }

    /** Cache slots before the current call's rows; row r is key slot past + r. */
    public int past() {
        return past;
    }

    /** Key slots: past + rows. */
    public int keys() {
        return past + rows;
    }

    /** Row r's index among the rows the call started with (before any pruning in this call). */
    public int originalRow(int r) {
        return originalRows[r];
    }

    /** Head-mean attention probabilities of the last row over all key slots. */
    public float[] lastRowMean() {
        return lastRowMean.clone();
    }

    /** Scaled scores q·k/√d of one head, [rows × keys], before the causal mask and softmax. */
    public float[] scores(int head) {
        if (head < 0 || head >= heads) {
            throw new IllegalArgumentException("head " + head + " outside [0, " + heads + ")");
        }
        float[] q = new float[rows * headDim];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(qkv, r * qkvWidth + head * headDim, q, r * headDim, headDim);
        }
        float[] s = new float[rows * keys()];
        gemm.multiplyTransposed(rows, keys(), headDim, q, 0, cache.keys(layer), cache.offset(head / groupSize, 0), s, 0);
        float scale = (float) (1.0 / Math.sqrt(headDim));
        for (int i = 0; i < s.length; i++) {
            s[i] *= scale;
        }
        return s;
    }

    /** Key slots row r may attend to: 0 .. visible(r) - 1 (past + r + 1 under a causal mask). */
    public int visible(int r) {
        return past + visibleRows[r];
    }

    /** Masked softmax of {@link #scores} divided by {@code temperature}; entries a row may not see are 0. */
    public float[] probabilities(int head, float temperature) {
        float[] s = scores(head);
        int keys = keys();
        for (int r = 0; r < rows; r++) {
            int visible = visible(r);
            for (int j = 0; j < visible; j++) {
                s[r * keys + j] /= temperature;
            }
            Softmax.inPlace(s, r * keys, visible);
            Arrays.fill(s, r * keys + visible, (r + 1) * keys, 0f);
        }
        return s;
    }

    /** Head mean of the attention probabilities, [rows × keys]. */
    public float[] meanProbabilities() {
        float[] mean = new float[rows * keys()];
        for (int h = 0; h < heads; h++) {
            float[] p = probabilities(h, 1f);
            for (int i = 0; i < mean.length; i++) {
                mean[i] += p[i] / heads;
            }
        }
        return mean;
    }
}
