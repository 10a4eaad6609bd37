package io.glimpse.reduce;

import io.glimpse.tensor.Gemm;
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

    /** Rows of A compared with all of B per GEMM call; bounds the similarity block to this many rows × |B|. */
    private static final int BLOCK_ROWS = 256;

    /**
     * For each row {@code rowsA[a]} of unit rows, the most similar of {@code rowsB} (cosine; ties to the earlier
     * entry of rowsB) and that similarity. Similarities are computed block by block through one GEMM per block,
     * so large token sets cost a matrix product instead of |A|·|B| separate dot products.
     */
    public static void bestMatches(float[] unit, int d, int[] rowsA, int[] rowsB, int[] bestIndex, float[] bestValue) {
        if (rowsB.length == 0) {
            throw new IllegalArgumentException("no rows to match against");
        }
        float[] b = gather(unit, d, rowsB, 0, rowsB.length);
        int block = Math.min(BLOCK_ROWS, Math.max(1, rowsA.length));
        float[] sims = new float[block * rowsB.length];
        for (int start = 0; start < rowsA.length; start += block) {
            int m = Math.min(block, rowsA.length - start);
            float[] a = gather(unit, d, rowsA, start, m);
            Gemm.get().multiplyTransposed(m, rowsB.length, d, a, 0, b, 0, sims, 0);
            for (int i = 0; i < m; i++) {
                int best = 0;
                float val = Float.NEGATIVE_INFINITY;
                int off = i * rowsB.length;
                for (int j = 0; j < rowsB.length; j++) {
                    if (sims[off + j] > val) {
                        val = sims[off + j];
                        best = j;
                    }
                }
                bestIndex[start + i] = rowsB[best];
                bestValue[start + i] = Math.max(-1f, Math.min(1f, val));
            }
        }
    }

    private static float[] gather(float[] unit, int d, int[] rows, int from, int count) {
        float[] out = new float[count * d];
        for (int i = 0; i < count; i++) {
            System.arraycopy(unit, rows[from + i] * d, out, i * d, d);
        }
        return out;
    }
}
