package io.glimpse.nn;

import io.glimpse.tensor.VectorOps;

/** The per-row normalisations of transformer layers, in float on the vector kernels as torch's CPU kernels are. */
public sealed interface Norm {
    /** Normalises {@code rows} rows of x into {@code out} (which may be x itself). */
    void apply(float[] x, int rows, float[] out);

    /** torch.nn.LayerNorm: biased variance, (x − mean)/√(var + eps)·w + b, mean and deviations in two passes. */
    record Layer(float[] weight, float[] bias, double eps) implements Norm {
        @Override
        public void apply(float[] x, int rows, float[] out) {
            VectorOps ops = VectorOps.get();
            int d = weight.length;
            if (out != x) {
                System.arraycopy(x, 0, out, 0, rows * d);
            }
            Rows.blocks(rows, (r0, r1) -> {
                for (int r = r0; r < r1; r++) {
                    int o = r * d;
                    float mean = ops.sum(out, o, d) / d;
                    for (int k = o; k < o + d; k++) {
                        out[k] -= mean;
                    }
                    float inv = (float) (1.0 / Math.sqrt(ops.sumSquares(out, o, d) / d + eps));
                    for (int k = 0; k < d; k++) {
                        out[o + k] = out[o + k] * inv * weight[k] + bias[k];
                    }
                }
            });
        }
    }

    /** RMSNorm of Llama and Qwen2: w · (x / √(mean(x²) + eps)), mean(x²) + eps in float as the configs store eps. */
    record Rms(float[] weight, float eps) implements Norm {
        @Override
        public void apply(float[] x, int rows, float[] out) {
            VectorOps ops = VectorOps.get();
            int d = weight.length;
            Rows.blocks(rows, (r0, r1) -> {
                for (int r = r0; r < r1; r++) {
                    float inv = (float) (1.0 / Math.sqrt(ops.sumSquares(x, r * d, d) / d + eps));
                    for (int i = 0; i < d; i++) {
                        out[r * d + i] = weight[i] * (x[r * d + i] * inv);
                    }
                }
            });
        }
    }
}
