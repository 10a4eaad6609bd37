package io.glimpse.lm;

import io.glimpse.tensor.Gemm;
import io.glimpse.tensor.Parallel;
import io.glimpse.tensor.RowTileKernel;
import io.glimpse.tensor.Softmax;
import io.glimpse.tensor.VectorOps;

import java.util.Arrays;

/**
 * Grouped-query attention of a call's rows over a layer of the {@link KvCache}: scale dh^-0.5, float32 softmax.
 * Heads run in parallel. One or two rows (decoding) score each key with a dot product; more rows (prefill) go through
 * the GEMM in blocks of queries, each head's products and softmax on its own thread (one head at a time, each product
 * split over the threads, left the softmax and the operand copies on one: 13% of a 512-row prefill of Qwen2-0.5B).
 * Under Vista-LLaMA, text queries score visual keys unrotated. A mask with holes (a draft tree) scores the call's
 * hidden keys -∞ before the softmax, so they get no weight.
 */
final class DecoderAttention {
    /** Query rows per attention block, bounding the score matrix to this many rows times the keys. */
    private static final int QUERY_BLOCK = 128;
    /** At or below this many rows each head scores keys by dot products instead of the GEMM. */
    private static final int GEMV_ROWS = 2;

    private final int heads;
    private final int groupSize;
    private final int headDim;
    private final Gemm gemm = Gemm.get();
    private final VectorOps ops = VectorOps.get();
    private final RowTileKernel scores = RowTileKernel.get();

    DecoderAttention(DecoderConfig config) {
        heads = config.heads();
        groupSize = config.groupSize();
        headDim = config.headDim();
    }

    /**
     * The call's rows of one layer. Query row r sees slots 0..past+visibleRows[r]-1 (past + r + 1 under a causal
     * mask), except the call's keys {@code holes} hides.
     *
     * @param holes         the call's mask when it {@linkplain AttentionMask#hasHoles has holes}, else null
     * @param qkv           the rows' rotated queries, keys and values, [n × qkvWidth]
     * @param rawQkv        the same before rotation when the cache keeps unrotated keys, else null
     * @param lastAttention receives the last row's head-mean probabilities (summed in head order, so the result does
     *                      not depend on threads), or null
     * @return [n × heads·headDim]
     */
    float[] attend(KvCache cache, int layer, float[] qkv, float[] rawQkv, int qkvWidth, int past, int[] pos,
                   int[] visibleRows, AttentionMask holes, float[] lastAttention) {
        Call call = new Call(cache, layer, qkv, rawQkv, qkvWidth, past, pos, visibleRows, holes,
                new float[visibleRows.length * heads * headDim]);
        float[][] lastRows = new float[heads][];
        boolean gemv = visibleRows.length <= GEMV_ROWS;
        Parallel.current().forRanges(heads, 1, (h0, h1) -> {
            for (int h = h0; h < h1; h++) {
                lastRows[h] = gemv ? byRows(call, h) : byGemm(call, h);
            }
        });
        if (lastAttention != null) {
            for (float[] row : lastRows) {
                for (int j = 0; j < row.length; j++) {
                    lastAttention[j] += row[j] / heads;
                }
            }
        }
        return call.out;
    }

    /** The operands of one layer's attention. */
    private record Call(KvCache cache, int layer, float[] qkv, float[] rawQkv, int qkvWidth, int past, int[] pos,
                        int[] visibleRows, AttentionMask holes, float[] out) {
    }

    /** One head over a few rows with dot products against the cache, reading each key once (decode). */
    private float[] byRows(Call c, int h) {
        float[] keys = c.cache.keys(c.layer);
        float[] values = c.cache.values(c.layer);
        int kvOffset = c.cache.offset(h / groupSize, 0);
        float scale = (float) (1.0 / Math.sqrt(headDim));
        float[] p = null;
        for (int r = 0; r < c.visibleRows.length; r++) {
            int visible = c.past + c.visibleRows[r];
            p = new float[visible];
            scores.multiply(1, headDim, c.qkv, r * c.qkvWidth + h * headDim, keys, kvOffset, visible, p, 0, visible);
            for (int j = 0; j < visible; j++) {
                p[j] *= scale;
            }
            unrotatedScores(c, r * c.qkvWidth + h * headDim, c.pos[r], kvOffset, visible, scale, p, 0);
            hide(c, r, p, 0);
            Softmax.inPlace(p, 0, visible);
            ops.weightedRowSum(p, 0, visible, values, kvOffset, headDim, c.out, (r * heads + h) * headDim, headDim);
        }
        return p;
    }

    /** One head over many rows: blocks of queries against all visible keys through the GEMM kernel (prefill). */
    private float[] byGemm(Call c, int h) {
        int n = c.visibleRows.length;
        int kvOffset = c.cache.offset(h / groupSize, 0);
        float scale = (float) (1.0 / Math.sqrt(headDim));
        int block = Math.min(QUERY_BLOCK, n);
        float[] q = new float[block * headDim];
        float[] scores = new float[block * (c.past + n)];
        float[] o = new float[block * headDim];
        float[] last = null;
        for (int r0 = 0; r0 < n; r0 += block) {
            int rows = Math.min(block, n - r0);
            int keys = c.past;
            for (int r = r0; r < r0 + rows; r++) {
                keys = Math.max(keys, c.past + c.visibleRows[r]);
            }
            for (int r = 0; r < rows; r++) {
                System.arraycopy(c.qkv, (r0 + r) * c.qkvWidth + h * headDim, q, r * headDim, headDim);
            }
            gemm.multiplyTransposed(rows, keys, headDim, q, 0, c.cache.keys(c.layer), kvOffset, scores, 0);
            for (int r = 0; r < rows; r++) {
                int visible = c.past + c.visibleRows[r0 + r];
                int base = r * keys;
                for (int j = 0; j < visible; j++) {
                    scores[base + j] *= scale;
                }
                unrotatedScores(c, (r0 + r) * c.qkvWidth + h * headDim, c.pos[r0 + r], kvOffset, visible, scale, scores, base);
                hide(c, r0 + r, scores, base);
                Softmax.inPlace(scores, base, visible);
                Arrays.fill(scores, base + visible, base + keys, 0f);
            }
            gemm.multiply(rows, headDim, keys, scores, 0, c.cache.values(c.layer), kvOffset, o, 0);
            for (int r = 0; r < rows; r++) {
                System.arraycopy(o, r * headDim, c.out, ((r0 + r) * heads + h) * headDim, headDim);
            }
            if (r0 + rows == n) {
                last = Arrays.copyOfRange(scores, (rows - 1) * keys, rows * keys);
            }
        }
        return last;
    }

    /**
     * Under Vista, replaces a text query's scores over visual keys by the plain q·k of the unrotated vectors (a no-op
     * without raw vectors or for a visual query).
     */
    private void unrotatedScores(Call c, int qOffset, int queryPosition, int kvOffset, int visible, float scale,
                                 float[] scores, int base) {
        RotaryLayout layout = c.cache.layout();
        if (c.rawQkv == null || layout.visual(queryPosition)) {
            return;
        }
        float[] rawKeys = c.cache.rawKeys(c.layer);
        for (int j = 0; j < visible; j++) {
            if (layout.unrotated(queryPosition, c.cache.slotPosition(j))) {
                scores[base + j] = ops.dot(c.rawQkv, qOffset, rawKeys, kvOffset + j * headDim, headDim) * scale;
            }
        }
    }

    /** Scores -∞ the call's keys that row {@code r} may not see (a no-op without holes). */
    private static void hide(Call c, int r, float[] scores, int base) {
        if (c.holes == null) {
            return;
        }
        for (int j = 0; j < c.visibleRows[r]; j++) {
            if (!c.holes.allowed(r, j)) {
                scores[base + c.past + j] = Float.NEGATIVE_INFINITY;
            }
        }
    }
}
