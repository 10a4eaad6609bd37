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

    /** The tokens' embeddings scaled to unit length (row-major N×D, {@link VectorOps#unitRows}), after checking they are finite. */
    public static float[] unitRows(TokenSet in, String method) {
        ReduceChecks.requireFinite(method, in);
        return VectorOps.unitRows(in.embeddingsView(), in.size(), in.dim());
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

    /**
     * Rows of A per GEMM call: at least this many, so each product stays large enough to run near peak, and more
     * while the similarity block stays under {@link #BLOCK_FLOATS} (few columns, e.g. a small codebook).
     */
    private static final int BLOCK_ROWS = 256;
    private static final int BLOCK_FLOATS = 1 << 23;

    /**
     * For each row {@code rowsA[a]} of unit rows, the most similar of {@code rowsB} (cosine; ties to the earlier
     * entry of rowsB) and that similarity. Similarities are computed block by block through one GEMM per block,
     * so large token sets cost a matrix product instead of |A|·|B| separate dot products.
     */
    public static void bestMatches(float[] unit, int d, int[] rowsA, int[] rowsB, int[] bestIndex, float[] bestValue) {
        if (rowsB.length == 0) {
            throw new IllegalArgumentException("no rows to match against");
        }
        float[] b = gather(unit, d, rowsB);
        float[] a = gather(unit, d, rowsA);
        bestMatches(a, rowsA.length, b, rowsB.length, d, bestIndex, bestValue);
        for (int i = 0; i < rowsA.length; i++) {
            bestIndex[i] = rowsB[bestIndex[i]];
        }
    }

    /**
     * For each of the m rows of {@code a}, the index of the most similar of the n rows of {@code b} (largest dot
     * product of unit rows; ties to the earlier row of b) and that cosine, clamped to [-1, 1].
     */
    public static void bestMatches(float[] a, int m, float[] b, int n, int d, int[] bestIndex, float[] bestValue) {
        bestMatches(a, m, b, new int[] {0, n}, d, new int[][] {bestIndex}, new float[][] {bestValue}, null);
    }

    /**
     * {@link #bestMatches(float[], int, float[], int, int, int[], float[])} for several groups of b's rows at once:
     * group g is rows [bounds[g], bounds[g+1]) and bestIndex[g][i] counts from its first row. One GEMM per block
     * of A serves every group (e.g. codebooks of several sizes), so A is read once and the product is wide.
     *
     * @param secondValue null, or receives per group the second-largest cosine (-1 for a group of one row)
     */
    public static void bestMatches(float[] a, int m, float[] b, int[] bounds, int d, int[][] bestIndex,
                                   float[][] bestValue, float[][] secondValue) {
        int groups = bounds.length - 1;
        int n = bounds[groups];
        for (int g = 0; g < groups; g++) {
            if (bounds[g + 1] <= bounds[g]) {
                throw new IllegalArgumentException("no rows to match against");
            }
        }
        int block = Math.max(1, Math.min(m, Math.max(BLOCK_ROWS, BLOCK_FLOATS / n)));
        float[] sims = new float[block * n];
        for (int start = 0; start < m; start += block) {
            int rows = Math.min(block, m - start);
            Gemm.get().multiplyTransposed(rows, n, d, a, start * d, b, 0, sims, 0);
            for (int i = 0; i < rows; i++) {
                for (int g = 0; g < groups; g++) {
                    int best = bounds[g];
                    float val = Float.NEGATIVE_INFINITY;
                    float second = Float.NEGATIVE_INFINITY;
                    int off = i * n;
                    for (int j = bounds[g]; j < bounds[g + 1]; j++) {
                        if (sims[off + j] > val) {
                            second = val;
                            val = sims[off + j];
                            best = j;
                        } else if (sims[off + j] > second) {
                            second = sims[off + j];
                        }
                    }
                    bestIndex[g][start + i] = best - bounds[g];
                    bestValue[g][start + i] = Math.max(-1f, Math.min(1f, val));
                    if (secondValue != null) {
                        secondValue[g][start + i] = Math.max(-1f, Math.min(1f, second));
                    }
                }
            }
        }
    }

    /** The listed rows of an N×d matrix, packed in order. */
    static float[] gather(float[] unit, int d, int[] rows) {
        float[] out = new float[rows.length * d];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(unit, rows[i] * d, out, i * d, d);
        }
        return out;
    }
}
