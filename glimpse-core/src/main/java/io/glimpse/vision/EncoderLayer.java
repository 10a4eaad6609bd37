package io.glimpse.vision;

import io.glimpse.nn.Linear;
import io.glimpse.nn.Norm;
import io.glimpse.nn.Rows;
import io.glimpse.tensor.WeightFormat;
import io.glimpse.tensor.WeightMatrix;
import io.glimpse.tensor.WeightStack;

/**
 * Weights of one pre-norm transformer layer of CLIP/SigLIP towers (HF names {@code layer_norm1}, {@code self_attn.
 * {q,k,v,out}_proj}, {@code layer_norm2}, {@code mlp.fc1}, {@code mlp.fc2}), with q, k and v fused into one
 * [3D×D] matrix so the projections are a single GEMM. F32 weight matrices are prepared once for the GEMM backend,
 * which then reads them without copying them on every product; narrower ones stay as stored.
 */
public record EncoderLayer(Norm ln1, Linear qkv, Linear out, Norm ln2, Linear fc1, Linear fc2) {

    public static EncoderLayer load(VisionTensors l, String p, int d, int inter, double eps) {
        return new EncoderLayer(new Norm.Layer(l.load(p + "layer_norm1.weight", d), l.load(p + "layer_norm1.bias", d), eps),
                linear(l, d, d, p + "self_attn.q_proj", p + "self_attn.k_proj", p + "self_attn.v_proj"),
                linear(l, d, d, p + "self_attn.out_proj"),
                new Norm.Layer(l.load(p + "layer_norm2.weight", d), l.load(p + "layer_norm2.bias", d), eps),
                linear(l, inter, d, p + "mlp.fc1"),
                linear(l, d, inter, p + "mlp.fc2"));
    }

    /**
     * The layers {@code names} (each {@code .weight} [rows × in] and {@code .bias}) stacked by rows into one: prepared
     * for the GEMM when every weight is stored as f32, else kept as stored, so an f16 or bf16 tower is not widened into
     * a copy of twice its size (the GEMM widens a tile at a time).
     */
    private static Linear linear(VisionTensors l, int rows, int in, String... names) {
        WeightMatrix[] parts = new WeightMatrix[names.length];
        float[][] biases = new float[names.length][];
        boolean f32 = true;
        for (int i = 0; i < names.length; i++) {
            parts[i] = l.matrix(names[i] + ".weight", rows, in);
            biases[i] = l.load(names[i] + ".bias", rows);
            f32 &= parts[i].format() == WeightFormat.F32;
        }
        float[] bias = Rows.concat(biases);
        if (!f32) {
            return Linear.stored(WeightStack.of(parts), bias);
        }
        float[][] weights = new float[names.length][];
        for (int i = 0; i < names.length; i++) {
            weights[i] = l.load(names[i] + ".weight", rows, in);
        }
        return Linear.prepared(Rows.concat(weights), rows * names.length, in, bias);
    }
}
