package io.glimpse.vision;

import io.glimpse.nn.Activation;
import io.glimpse.nn.Rows;
import io.glimpse.tensor.Gemm;
import io.glimpse.tensor.Softmax;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The two halves of a CLIP/SigLIP pre-norm transformer layer (transformers CLIPEncoderLayer / SiglipEncoderLayer),
 * shared by vision and text towers: multi-head attention with scale dh^-0.5 and a float32 softmax, then the MLP
 * with the configured activation. Heads and rows run in parallel; every output element is computed by one thread
 * in a fixed order, so results do not depend on scheduling.
 */
public final class Transformer {
    private final Gemm gemm = Gemm.get();
    private final int d;
    private final int heads;
    private final int inter;
    private final Activation act;

    public Transformer(int d, int heads, int inter, Activation act) {
        this.d = d;
        this.heads = heads;
        this.inter = inter;
        this.act = act;
    }

    /** Output of the attention half of a layer: the residual sum, and the head-mean keys when asked (ToMe's metric). */
    public record Block(float[] h, float[] keyMean) {
    }

    /**
     * h = x + out_proj(attention(layer_norm1(x))), unmasked or causal; {@code size} (may be null) adds ToMe's
     * log-size bias to the keys; also returns the head-mean keys when ToMe will merge after it.
     */
    public Block attention(EncoderLayer lw, float[] x, int t, float[] size, boolean causal, AttentionHook hook, boolean wantKeys) {
        int dh = d / heads;
        float[] ln = new float[t * d];
        lw.ln1().apply(x, t, ln);
        float[] qkv = lw.qkv().apply(ln, t);
        float[] logSize = null;
        if (size != null) {
            // ToMe's proportional attention: a token standing for s tokens gets log(s) added to its key scores.
            logSize = new float[t];
            for (int j = 0; j < t; j++) {
                logSize[j] = (float) Math.log(size[j]);
            }
        }
        float[] merged = new float[t * d];
        float scale = (float) (1.0 / Math.sqrt(dh));
        float[] bias = logSize;
        // Heads are independent and write disjoint columns, so running them in parallel keeps results deterministic.
        IntStream.range(0, heads).parallel().forEach(h -> {
            float[] q = new float[t * dh];
            float[] k = new float[t * dh];
            float[] v = new float[t * dh];
            float[] probs = new float[t * t];
            float[] o = new float[t * dh];
            for (int i = 0; i < t; i++) {
                System.arraycopy(qkv, i * 3 * d + h * dh, q, i * dh, dh);
                System.arraycopy(qkv, i * 3 * d + d + h * dh, k, i * dh, dh);
                System.arraycopy(qkv, i * 3 * d + 2 * d + h * dh, v, i * dh, dh);
            }
            gemm.multiplyTransposed(t, t, dh, q, 0, k, 0, probs, 0);
            for (int i = 0; i < t; i++) {
                softmaxRow(probs, i * t, causal ? i + 1 : t, t, scale, bias);
            }
            if (hook != null) {
                hook.add(h, probs);
            }
            gemm.multiply(t, dh, t, probs, 0, v, 0, o, 0);
            for (int i = 0; i < t; i++) {
                System.arraycopy(o, i * dh, merged, i * d + h * dh, dh);
            }
        });
        float[] out = lw.out().apply(merged, t);
        Rows.addResidual(out, x, t, d);
        float[] keyMean = null;
        if (wantKeys) {
            keyMean = new float[t * dh];
            for (int i = 0; i < t; i++) {
                for (int c = 0; c < dh; c++) {
                    double sum = 0;
                    for (int h = 0; h < heads; h++) {
                        sum += qkv[i * 3 * d + d + h * dh + c];
                    }
                    keyMean[i * dh + c] = (float) (sum / heads);
                }
            }
        }
        return new Block(out, keyMean);
    }

    /** x = h + fc2(act(fc1(layer_norm2(h)))). */
    public float[] mlp(EncoderLayer lw, float[] h, int t) {
        float[] ln = new float[t * d];
        lw.ln2().apply(h, t, ln);
        float[] mid = lw.fc1().apply(ln, t);
        Rows.blocks(t, (r0, r1) -> act.applyInPlace(mid, r0 * inter, r1 * inter));
        float[] out = lw.fc2().apply(mid, t);
        Rows.addResidual(out, h, t, d);
        return out;
    }

    /**
     * Softmax of row[offset .. offset+n) scaled by {@code scale}, plus an optional additive per-column bias, with the
     * maximum subtracted first as torch does (exponentials and sum on the vector kernels). Columns [n, width) are masked
     * (causal attention) and get probability 0.
     */
    static void softmaxRow(float[] row, int offset, int n, int width, float scale, float[] bias) {
        Arrays.fill(row, offset + n, offset + width, 0f);
        // Two plain loops rather than one with a branch, so the JIT vectorises them.
        if (bias == null) {
            for (int j = offset; j < offset + n; j++) {
                row[j] *= scale;
            }
        } else {
            for (int j = 0; j < n; j++) {
                row[offset + j] = row[offset + j] * scale + bias[j];
            }
        }
        Softmax.inPlace(row, offset, n);
    }

}
