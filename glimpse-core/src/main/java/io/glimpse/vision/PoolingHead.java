package io.glimpse.vision;

import io.glimpse.nn.Activation;
import io.glimpse.nn.Norm;

/**
 * SigLIP's attention-pooling head (transformers SiglipMultiheadAttentionPoolingHead): a learned probe is the single
 * query of a torch.nn.MultiheadAttention over the sequence (packed q/k/v projection {@code in_proj_weight}), then
 * h + fc2(act(fc1(layernorm(h)))); the result is the tower's pooled output
 * ({@code models/siglip/modeling_siglip.py}).
 */
final class PoolingHead {
    private final float[] probe;
    private final float[] inW;
    private final float[] inB;
    private final float[] outW;
    private final float[] outB;
    private final float[] lnW;
    private final float[] lnB;
    private final float[] fc1W;
    private final float[] fc1B;
    private final float[] fc2W;
    private final float[] fc2B;
    private final int d;
    private final int heads;
    private final int inter;
    private final Activation act;
    private final double eps;

    PoolingHead(VisionTensors l, VisionConfig cfg) {
        d = cfg.hiddenSize();
        heads = cfg.heads();
        inter = cfg.intermediateSize();
        act = cfg.activation();
        eps = cfg.layerNormEps();
        probe = l.load("head.probe", 1, 1, d);
        inW = l.load("head.attention.in_proj_weight", 3L * d, d);
        inB = l.load("head.attention.in_proj_bias", 3L * d);
        outW = l.load("head.attention.out_proj.weight", d, d);
        outB = l.load("head.attention.out_proj.bias", d);
        lnW = l.load("head.layernorm.weight", d);
        lnB = l.load("head.layernorm.bias", d);
        fc1W = l.load("head.mlp.fc1.weight", inter, d);
        fc1B = l.load("head.mlp.fc1.bias", inter);
        fc2W = l.load("head.mlp.fc2.weight", d, inter);
        fc2B = l.load("head.mlp.fc2.bias", d);
    }

    /** Pools t rows of width d (the post-layernormed last hidden state) into one vector. */
    float[] pool(float[] x, int t) {
        float[] q = linear(probe, 0, inW, 0, inB, 0, d, d);
        float[] k = new float[t * d];
        float[] v = new float[t * d];
        for (int i = 0; i < t; i++) {
            System.arraycopy(linear(x, i * d, inW, d * d, inB, d, d, d), 0, k, i * d, d);
            System.arraycopy(linear(x, i * d, inW, 2 * d * d, inB, 2 * d, d, d), 0, v, i * d, d);
        }
        int dh = d / heads;
        float scale = (float) (1.0 / Math.sqrt(dh));
        float[] attended = new float[d];
        float[] scores = new float[t];
        for (int h = 0; h < heads; h++) {
            for (int j = 0; j < t; j++) {
                double s = 0;
                for (int c = 0; c < dh; c++) {
                    s += (double) q[h * dh + c] * k[j * d + h * dh + c];
                }
                scores[j] = (float) s;
            }
            Transformer.softmaxRow(scores, 0, t, t, scale, null);
            for (int c = 0; c < dh; c++) {
                double s = 0;
                for (int j = 0; j < t; j++) {
                    s += (double) scores[j] * v[j * d + h * dh + c];
                }
                attended[h * dh + c] = (float) s;
            }
        }
        float[] h = linear(attended, 0, outW, 0, outB, 0, d, d);
        float[] n = new float[d];
        new Norm.Layer(lnW, lnB, eps).apply(h, 1, n);
        float[] mid = linear(n, 0, fc1W, 0, fc1B, 0, d, inter);
        act.applyInPlace(mid, 0, inter);
        float[] mlp = linear(mid, 0, fc2W, 0, fc2B, 0, inter, d);
        for (int c = 0; c < d; c++) {
            h[c] += mlp[c];
        }
        return h;
    }

    /** y = W·x + b for one row, W rows starting at wOff (out×in), accumulated in double. */
    private static float[] linear(float[] x, int xOff, float[] w, int wOff, float[] b, int bOff, int in, int out) {
        float[] y = new float[out];
        for (int o = 0; o < out; o++) {
            double s = b[bOff + o];
            for (int c = 0; c < in; c++) {
                s += (double) w[wOff + o * in + c] * x[xOff + c];
            }
            y[o] = (float) s;
        }
        return y;
    }
}
