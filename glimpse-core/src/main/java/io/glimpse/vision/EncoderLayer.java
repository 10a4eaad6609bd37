package io.glimpse.vision;

import io.glimpse.nn.Linear;
import io.glimpse.nn.Norm;
import io.glimpse.nn.Rows;
import io.glimpse.tensor.WeightStack;

/**
 * Weights of one pre-norm transformer layer of CLIP/SigLIP towers (HF names {@code layer_norm1}, {@code self_attn.
 * {q,k,v,out}_proj}, {@code layer_norm2}, {@code mlp.fc1}, {@code mlp.fc2}), with q, k and v fused into one
 * stack so the projections are a single GEMM. The four weight matrices stay as stored (views of the mapped
 * checkpoint, widened by the GEMM as it reads them, see {@link Linear#stored}): an f32 copy of CLIP-L's on the heap
 * and another prepared in native memory cost 2.4 GB beside a decoder.
 */
public record EncoderLayer(Norm ln1, Linear qkv, Linear out, Norm ln2, Linear fc1, Linear fc2) {

    public static EncoderLayer load(VisionTensors l, String p, int d, int inter, double eps) {
        float[] qkvB = Rows.concat(l.load(p + "self_attn.q_proj.bias", d), l.load(p + "self_attn.k_proj.bias", d),
                l.load(p + "self_attn.v_proj.bias", d));
        WeightStack qkv = WeightStack.of(l.matrix(p + "self_attn.q_proj.weight", d, d),
                l.matrix(p + "self_attn.k_proj.weight", d, d), l.matrix(p + "self_attn.v_proj.weight", d, d));
        return new EncoderLayer(new Norm.Layer(l.load(p + "layer_norm1.weight", d), l.load(p + "layer_norm1.bias", d), eps),
                Linear.stored(qkv, qkvB),
                Linear.stored(WeightStack.of(l.matrix(p + "self_attn.out_proj.weight", d, d)), l.load(p + "self_attn.out_proj.bias", d)),
                new Norm.Layer(l.load(p + "layer_norm2.weight", d), l.load(p + "layer_norm2.bias", d), eps),
                Linear.stored(WeightStack.of(l.matrix(p + "mlp.fc1.weight", inter, d)), l.load(p + "mlp.fc1.bias", inter)),
                Linear.stored(WeightStack.of(l.matrix(p + "mlp.fc2.weight", d, inter)), l.load(p + "mlp.fc2.bias", d)));
    }

    /** Gives back this process's pages of the stored matrices that are views of a mapped file. */
    void releasePages() {
        for (Linear l : new Linear[] {qkv, out, fc1, fc2}) {
            l.weights().releasePages();
        }
    }
}
