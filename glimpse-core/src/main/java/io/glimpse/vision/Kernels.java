package io.glimpse.vision;

import io.glimpse.tensor.Softmax;

import java.util.stream.IntStream;

/** Row-wise kernels of the transformer layers, float storage with double accumulation; rows run in parallel. */
final class Kernels {
    private Kernels() {
    }

    /** torch.nn.LayerNorm over each of n rows of width d, in place: biased variance, (x − mean)/√(var + eps)·w + b. */
    static void layerNorm(float[] x, int n, int d, float[] weight, float[] bias, double eps) {
        IntStream.range(0, n).parallel().forEach(r -> {
            int o = r * d;
            double mean = 0;
            for (int k = 0; k < d; k++) {
                mean += x[o + k];
            }
            mean /= d;
            double var = 0;
            for (int k = 0; k < d; k++) {
                double c = x[o + k] - mean;
                var += c * c;
            }
            double inv = 1.0 / Math.sqrt(var / d + eps);
            for (int k = 0; k < d; k++) {
                x[o + k] = (float) ((x[o + k] - mean) * inv * weight[k] + bias[k]);
            }
        });
    }

    /** Adds bias (width d) to each of n rows starting at offset. */
    static void addBias(float[] x, int offset, int n, int d, float[] bias) {
        for (int r = 0; r < n; r++) {
            int o = offset + r * d;
            for (int k = 0; k < d; k++) {
                x[o + k] += bias[k];
            }
        }
    }

    /**
     * Softmax of row[offset .. offset+n) scaled by {@code scale}, plus an optional additive per-column bias, with the
     * maximum subtracted first as torch does; the sum is accumulated in double. Columns [n, width) are masked
     * (causal attention) and get probability 0.
     */
    static void softmaxRow(float[] row, int offset, int n, int width, float scale, float[] bias) {
        java.util.Arrays.fill(row, offset + n, offset + width, 0f);
        for (int j = 0; j < n; j++) {
            row[offset + j] = row[offset + j] * scale + (bias == null ? 0f : bias[j]);
        }
        Softmax.inPlace(row, offset, n);
    }
}
