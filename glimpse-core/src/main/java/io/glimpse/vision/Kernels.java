package io.glimpse.vision;

import io.glimpse.tensor.Softmax;
import io.glimpse.tensor.VectorOps;

import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/** Row-wise kernels of the transformer layers in float on the vector kernels; blocks of rows run in parallel. */
public final class Kernels {
    private static final VectorOps OPS = VectorOps.get();

    private Kernels() {
    }

    /**
     * torch.nn.LayerNorm over each of n rows of width d, in place: biased variance, (x − mean)/√(var + eps)·w + b.
     * Float arithmetic on the vector kernels with two passes (mean, then squared deviations), as torch's CPU kernel
     * does in float; blocks of rows run in parallel.
     */
    public static void layerNorm(float[] x, int n, int d, float[] weight, float[] bias, double eps) {
        rowBlocks(n, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int o = r * d;
                float mean = OPS.sum(x, o, d) / d;
                for (int k = o; k < o + d; k++) {
                    x[k] -= mean;
                }
                float inv = (float) (1.0 / Math.sqrt(OPS.sumSquares(x, o, d) / d + eps));
                for (int k = 0; k < d; k++) {
                    x[o + k] = x[o + k] * inv * weight[k] + bias[k];
                }
            }
        });
    }

    /** Adds bias (width d) to each of n rows starting at offset. */
    static void addBias(float[] x, int offset, int n, int d, float[] bias) {
        for (int r = 0; r < n; r++) {
            OPS.axpy(1f, bias, 0, x, offset + r * d, d);
        }
    }

    /**
     * x = (x + bias) + residual over n rows of width d, rounded after each add as the separate torch ops are;
     * blocks of rows run in parallel.
     */
    static void addBiasAndResidual(float[] x, int n, int d, float[] bias, float[] residual) {
        rowBlocks(n, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                OPS.axpy(1f, bias, 0, x, r * d, d);
                OPS.axpy(1f, residual, r * d, x, r * d, d);
            }
        });
    }

    /** Work on rows [r0, r1). */
    interface RowBlock {
        void run(int r0, int r1);
    }

    /**
     * Splits n rows into one contiguous block per worker of the common pool (plus the caller) and runs them in
     * parallel: few, large tasks, because a parallel region costs a wake-up of every worker.
     */
    static void rowBlocks(int n, RowBlock body) {
        int blocks = Math.max(1, Math.min(n, ForkJoinPool.getCommonPoolParallelism() + 1));
        if (blocks == 1) {
            body.run(0, n);
            return;
        }
        IntStream.range(0, blocks).parallel()
                .forEach(b -> body.run((int) ((long) n * b / blocks), (int) ((long) n * (b + 1) / blocks)));
    }

    /**
     * Softmax of row[offset .. offset+n) scaled by {@code scale}, plus an optional additive per-column bias, with the
     * maximum subtracted first as torch does (exponentials and sum on the vector kernels). Columns [n, width) are masked
     * (causal attention) and get probability 0.
     */
    static void softmaxRow(float[] row, int offset, int n, int width, float scale, float[] bias) {
        java.util.Arrays.fill(row, offset + n, offset + width, 0f);
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
