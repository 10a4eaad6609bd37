package io.glimpse.vision;

import io.glimpse.tensor.Gemm;

/**
 * Weights of one pre-norm transformer layer of CLIP/SigLIP towers (HF names {@code layer_norm1}, {@code self_attn.
 * {q,k,v,out}_proj}, {@code layer_norm2}, {@code mlp.fc1}, {@code mlp.fc2}), with q, k and v fused into one
 * [3D×D] matrix so the projections are a single GEMM. The four weight matrices are prepared once for the GEMM
 * backend, which then reads them without copying them on every product.
 */
public record EncoderLayer(float[] ln1W, float[] ln1B, Gemm.Prepared qkvW, float[] qkvB, Gemm.Prepared outW, float[] outB,
                    float[] ln2W, float[] ln2B, Gemm.Prepared fc1W, float[] fc1B, Gemm.Prepared fc2W, float[] fc2B) {

    public static EncoderLayer load(TensorLoader l, String p, int d, int inter) {
        Gemm gemm = Gemm.get();
        float[] qkvW = concat(l.load(p + "self_attn.q_proj.weight", d, d), l.load(p + "self_attn.k_proj.weight", d, d),
                l.load(p + "self_attn.v_proj.weight", d, d));
        float[] qkvB = concat(l.load(p + "self_attn.q_proj.bias", d), l.load(p + "self_attn.k_proj.bias", d),
                l.load(p + "self_attn.v_proj.bias", d));
        return new EncoderLayer(l.load(p + "layer_norm1.weight", d), l.load(p + "layer_norm1.bias", d),
                gemm.prepareTransposed(3 * d, d, qkvW, 0), qkvB,
                gemm.prepareTransposed(d, d, l.load(p + "self_attn.out_proj.weight", d, d), 0),
                l.load(p + "self_attn.out_proj.bias", d),
                l.load(p + "layer_norm2.weight", d), l.load(p + "layer_norm2.bias", d),
                gemm.prepareTransposed(inter, d, l.load(p + "mlp.fc1.weight", inter, d), 0), l.load(p + "mlp.fc1.bias", inter),
                gemm.prepareTransposed(d, inter, l.load(p + "mlp.fc2.weight", d, inter), 0), l.load(p + "mlp.fc2.bias", d));
    }

    private static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) {
            n += p.length;
        }
        float[] out = new float[n];
        int o = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }
}
