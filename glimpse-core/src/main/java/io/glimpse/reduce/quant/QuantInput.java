package io.glimpse.reduce.quant;

import java.util.function.IntUnaryOperator;

/** Checks and calibration shared by the quantizers. */
final class QuantInput {
    private QuantInput() {
    }

    static void requireValues(String method, float[] x, int n, int d) {
        if (n < 0 || (long) n * d != x.length) {
            throw new IllegalArgumentException(method + ": " + x.length + " values do not form " + n + "x" + d);
        }
        for (int i = 0; i < x.length; i++) {
            if (!Float.isFinite(x[i])) {
                throw new IllegalArgumentException(method + ": token " + i / d + " has " + x[i] + " at dimension " + i % d);
            }
        }
    }

    static void requireCodes(String method, QuantizedTokens q, int d, IntUnaryOperator levels) {
        if (q.d() != d) {
            throw new IllegalArgumentException(method + ": codes have dimension " + q.d() + ", quantizer " + d);
        }
        for (int i = 0; i < q.codes().length; i++) {
            int c = q.codes()[i];
            if (c < 0 || c >= levels.applyAsInt(i % d)) {
                throw new IllegalArgumentException(method + ": code " + c + " of token " + i / d + " dimension " + i % d
                        + " is outside [0, " + levels.applyAsInt(i % d) + ")");
            }
        }
    }

    /** Per-dimension minimum (row 0) and maximum (row 1) of n×d values; zeros when n is 0. */
    static float[][] range(String method, float[] x, int n, int d) {
        requireValues(method, x, n, d);
        float[] low = new float[d];
        float[] high = new float[d];
        if (n > 0) {
            System.arraycopy(x, 0, low, 0, d);
            System.arraycopy(x, 0, high, 0, d);
        }
        for (int i = d; i < x.length; i++) {
            low[i % d] = Math.min(low[i % d], x[i]);
            high[i % d] = Math.max(high[i % d], x[i]);
        }
        return new float[][] {low, high};
    }

    static void requireRange(String method, float[] low, float[] high) {
        if (low.length == 0 || low.length != high.length) {
            throw new IllegalArgumentException(method + ": need one low and one high per dimension, got " + low.length
                    + " and " + high.length);
        }
        for (int k = 0; k < low.length; k++) {
            if (!Float.isFinite(low[k]) || !Float.isFinite(high[k]) || low[k] > high[k]) {
                throw new IllegalArgumentException(method + ": dimension " + k + " has range [" + low[k] + ", " + high[k]
                        + "]");
            }
        }
    }
}
