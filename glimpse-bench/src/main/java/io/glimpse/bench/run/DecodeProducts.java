package io.glimpse.bench.run;

import io.glimpse.lm.DecoderConfig;
import io.glimpse.tensor.Gemm;
import io.glimpse.tensor.MatVec;
import io.glimpse.tensor.VectorOps;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The matrix-vector products of one decoded token, per weight shape: through {@link Gemm#get()} at m = 1, and through
 * {@link MatVec}, the decoder's own path for one row, as fractions of the read bandwidth; and the weight bytes one
 * decoded token reads.
 */
public final class DecodeProducts {
    private static final int RUNS = 6;

    private DecodeProducts() {
    }

    /** Bytes each decode step reads from the decoder's f32 weights: every layer's matrices and vectors, the final norm and the head. */
    public static long weightBytes(DecoderConfig c) {
        long d = c.hiddenSize();
        long q = (long) c.heads() * c.headDim();
        long kv = (long) c.kvHeads() * c.headDim();
        long inter = c.intermediateSize();
        long perLayer = 2 * d + (q + 2 * kv) * d + (c.qkvBias() ? q + 2 * kv : 0) + d * q + (c.oBias() ? d : 0)
                + 3 * inter * d + (c.mlpBias() ? 2 * inter + d : 0);
        return 4 * (c.layers() * perLayer + d + (long) c.vocabSize() * d);
    }

    /** Prints the bandwidths and returns the decode floor in tokens/s. */
    static double printBandwidth(PrintWriter out, Bandwidth bandwidth, long weightBytes) {
        double floor = bandwidth.read() / weightBytes;
        out.printf(Locale.ROOT, "memory bandwidth: read %.2f GB/s (MatVec over %d MB), copy %.2f GB/s (read + written "
                        + "bytes); decoder weights read per token %.1f MB (f32); floor %.3f tokens/s at the read bandwidth%n",
                bandwidth.read() / 1e9, Bandwidth.BUFFER_FLOATS * 4L / (1 << 20), bandwidth.copy() / 1e9, weightBytes / 1e6,
                floor);
        return floor;
    }

    static void print(PrintWriter out, DecoderConfig c, double bandwidth) {
        int d = c.hiddenSize();
        int q = c.heads() * c.headDim();
        int kv = c.kvHeads() * c.headDim();
        Map<String, int[]> shapes = new LinkedHashMap<>();
        shapes.put("q/k/v", new int[] {q + 2 * kv, d, c.layers()});
        shapes.put("o", new int[] {d, q, c.layers()});
        shapes.put("gate/up", new int[] {2 * c.intermediateSize(), d, c.layers()});
        shapes.put("down", new int[] {d, c.intermediateSize(), c.layers()});
        shapes.put("lm head", new int[] {c.vocabSize(), d, 1});
        Gemm gemm = Gemm.get();
        VectorOps ops = VectorOps.get();
        String gemmName = gemm.describe();
        out.printf(Locale.ROOT, "decode matrix-vector products (m = 1), best of %d: %s vs MatVec (%s dot products, the "
                + "decoder's path)%n", RUNS, gemmName, ops.getClass().getSimpleName());
        SplittableRandom rnd = new SplittableRandom(1);
        double gemmToken = 0;
        double matVecToken = 0;
        for (Map.Entry<String, int[]> e : shapes.entrySet()) {
            int n = e.getValue()[0];
            int k = e.getValue()[1];
            float[] w = new float[n * k];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) rnd.nextDouble(-1, 1);
            }
            float[] x = new float[k];
            Arrays.fill(x, 0.5f);
            float[] y = new float[n];
            double g = Timing.best(RUNS, () -> gemm.multiplyTransposed(1, n, k, x, 0, w, 0, y, 0)).wall();
            double m = Timing.best(RUNS, () -> MatVec.multiplyTransposed(ops, 1, n, k, x, w, y)).wall();
            int times = e.getValue()[2];
            gemmToken += g * times;
            matVecToken += m * times;
            double bytes = 4.0 * n * k;
            out.printf(Locale.ROOT, "  %-8s %6d x %-5d %s %9.3f ms (%5.3f of read bandwidth)   MatVec %9.3f ms (%5.3f)   x%d per token%n",
                    e.getKey(), n, k, gemmName, g * 1e3, bytes / g / bandwidth, m * 1e3, bytes / m / bandwidth, times);
        }
        out.printf(Locale.ROOT, "  one token's products: %s %.2f ms, MatVec %.2f ms%n", gemmName, gemmToken * 1e3, matVecToken * 1e3);
    }
}
