package io.glimpse.tensor;

import java.util.stream.IntStream;

/**
 * y[rows × out] = x[rows × in] · Wᵀ for one or two rows (decoding), W stored [out × in]: dot products split over the
 * cores by output row of W, so every weight row is streamed once per row of x without the packing a GEMM does. Decode
 * speed is then bounded by memory bandwidth.
 */
public final class MatVec {
    private MatVec() {
    }

    public static void multiplyTransposed(VectorOps ops, int rows, int outWidth, int in, float[] x, float[] w, float[] y) {
        int chunks = Math.min(Runtime.getRuntime().availableProcessors(), Math.max(1, outWidth / 256));
        IntStream.range(0, chunks).parallel().forEach(c -> {
            int j0 = (int) ((long) outWidth * c / chunks);
            int j1 = (int) ((long) outWidth * (c + 1) / chunks);
            for (int r = 0; r < rows; r++) {
                for (int j = j0; j < j1; j++) {
                    y[r * outWidth + j] = ops.dot(x, r * in, w, j * in, in);
                }
            }
        });
    }
}
