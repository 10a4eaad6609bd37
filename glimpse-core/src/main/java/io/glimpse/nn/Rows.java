package io.glimpse.nn;

import io.glimpse.tensor.VectorOps;

import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/** Row-wise steps of the transformer layers over row-major [rows × width] float arrays. */
public final class Rows {
    private static final VectorOps OPS = VectorOps.get();

    private Rows() {
    }

    /** Work on rows [r0, r1). */
    @FunctionalInterface
    public interface Block {
        void run(int r0, int r1);
    }

    /**
     * Splits n rows into one contiguous block per worker of the common pool (plus the caller) and runs them in
     * parallel: few, large tasks, because a parallel region costs a wake-up of every worker. Each row is computed by
     * one thread in a fixed order, so results do not depend on scheduling.
     */
    public static void blocks(int n, Block body) {
        int blocks = Math.max(1, Math.min(n, ForkJoinPool.getCommonPoolParallelism() + 1));
        if (blocks == 1) {
            body.run(0, n);
            return;
        }
        IntStream.range(0, blocks).parallel()
                .forEach(b -> body.run((int) ((long) n * b / blocks), (int) ((long) n * (b + 1) / blocks)));
    }

    /** Adds {@code bias} (width d) to each of n rows starting at {@code offset}. */
    public static void addBias(float[] x, int offset, int n, int d, float[] bias) {
        for (int r = 0; r < n; r++) {
            OPS.axpy(1f, bias, 0, x, offset + r * d, d);
        }
    }

    /** x += residual over n rows of width d, rounded once per element as torch's add is. */
    public static void addResidual(float[] x, float[] residual, int n, int d) {
        blocks(n, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                OPS.axpy(1f, residual, r * d, x, r * d, d);
            }
        });
    }

    /** The given rows of x, in that order. */
    public static float[] gather(float[] x, int[] rows, int width) {
        float[] out = new float[rows.length * width];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(x, rows[i] * width, out, i * width, width);
        }
        return out;
    }

    /** The arrays one after the other, as a fused weight (q, k, v; gate, up) is laid out. */
    public static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] part : parts) {
            n += part.length;
        }
        float[] out = new float[n];
        int at = 0;
        for (float[] part : parts) {
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        return out;
    }
}
