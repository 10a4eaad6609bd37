package io.glimpse.reduce;

import io.glimpse.tensor.VectorOps;
import io.glimpse.tokens.TokenSet;

/**
 * Cosine similarity over token rows, shared by the similarity-based reducers. Rows are normalized once
 * ({@link #unitRows}); a zero row stays zero, so its cosine with anything is 0.
 */
public final class Similarity {
    private static final VectorOps OPS = VectorOps.get();

    private Similarity() {
    }

    /**
     * Rejects embeddings with NaN or infinite values.
     *
     * @param method name used in the message
     * @throws IllegalArgumentException naming the first bad token
     */
    public static void requireFinite(TokenSet in, String method) {
        float[] e = in.embeddingsView();
        int d = in.dim();
        for (int i = 0; i < e.length; i++) {
            if (!Float.isFinite(e[i])) {
                throw new IllegalArgumentException(method + ": token " + (i / d) + " has a non-finite embedding value ("
                        + e[i] + ")");
            }
        }
    }

    /**
     * The tokens' embeddings scaled to unit length (row-major N×D), after checking they are finite. Norms are
     * computed in double so very large finite values do not overflow.
     */
    public static float[] unitRows(TokenSet in, String method) {
        requireFinite(in, method);
        float[] e = in.embeddingsView();
        int n = in.size();
        int d = in.dim();
        float[] out = new float[n * d];
        for (int t = 0; t < n; t++) {
            int base = t * d;
            double max = 0;
            for (int k = 0; k < d; k++) {
                max = Math.max(max, Math.abs(e[base + k]));
            }
            if (max == 0) {
                continue;
            }
            double ss = 0;
            for (int k = 0; k < d; k++) {
                double v = e[base + k] / max;
                ss += v * v;
            }
            double scale = 1.0 / (max * Math.sqrt(ss));
            for (int k = 0; k < d; k++) {
                out[base + k] = (float) (e[base + k] * scale);
            }
        }
        return out;
    }

    /** Cosine of rows i and j of unit rows (dimension d), clamped to [-1, 1] against rounding. */
    public static float cosine(float[] unit, int i, int j, int d) {
        float c = OPS.dot(unit, i * d, unit, j * d, d);
        return Math.max(-1f, Math.min(1f, c));
    }

    /** Cosine of row i of {@code a} and row j of {@code b}, both unit rows of dimension d. */
    public static float cosine(float[] a, int i, float[] b, int j, int d) {
        float c = OPS.dot(a, i * d, b, j * d, d);
        return Math.max(-1f, Math.min(1f, c));
    }
}
