package io.glimpse.lm.prune;

import io.glimpse.lm.LayerAttention;
import io.glimpse.lm.LayerPruner;
import io.glimpse.lm.PositionPolicy;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * FastV: after layer K-1, keep the visual tokens that the last prompt token attends to most (head mean) and
 * remove the rest, with their keys and values, from layers K onwards; text tokens all stay.
 * Chen et al., "An Image is Worth 1/2 Tokens After Layer 2", ECCV 2024 (pkunlp-icler/FastV, in-place variant:
 * scores from the last token, kept tokens keep original positions). Defaults: K = 2, keep = half the visual tokens.
 * Parameters: layer K ≥ 1, the visual rows [start, start + count) of the prefill, how many to keep, a position policy.
 */
public final class FastVLayerPruner implements LayerPruner {
    private final int layer;
    private final int start;
    private final int count;
    private final int keep;
    private final PositionPolicy policy;

    public FastVLayerPruner(int layer, int start, int count, int keep, PositionPolicy policy) {
        if (layer < 1) {
            throw new IllegalArgumentException("FastV layer K must be at least 1 (it needs attention from layer K-1), got " + layer);
        }
        if (start < 0 || count < 1 || keep < 1 || keep > count) {
            throw new IllegalArgumentException("FastV needs start >= 0 and 1 <= keep <= count, got start " + start
                    + ", count " + count + ", keep " + keep);
        }
        this.layer = layer;
        this.start = start;
        this.count = count;
        this.keep = keep;
        this.policy = policy;
    }

    /** The paper's setting: K = 2, keep round(count / 2), original positions. */
    public static FastVLayerPruner defaults(int start, int count) {
        return new FastVLayerPruner(2, start, count, Math.max(1, Math.round(count / 2f)), PositionPolicy.KEEP_ORIGINAL);
    }

    @Override
    public boolean actsBefore(int l) {
        return l == layer;
    }

    @Override
    public int[] keep(int l, LayerAttention attention) {
        int rows = attention.rows();
        if (attention.originalRow(rows - 1) < start + count) {
            throw new IllegalArgumentException("FastV visual rows [" + start + ", " + (start + count)
                    + ") must end before the last prefill row, which ranks them");
        }
        float[] last = attention.lastRowMean();
        int past = attention.past();
        Integer[] visual = IntStream.range(0, rows).filter(r -> isVisual(attention.originalRow(r))).boxed().toArray(Integer[]::new);
        Arrays.sort(visual, (a, b) -> {
            int c = Float.compare(last[past + b], last[past + a]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        boolean[] dropped = new boolean[rows];
        for (int i = keep; i < visual.length; i++) {
            dropped[visual[i]] = true;
        }
        return IntStream.range(0, rows).filter(r -> !dropped[r]).toArray();
    }

    private boolean isVisual(int originalRow) {
        return originalRow >= start && originalRow < start + count;
    }

    @Override
    public PositionPolicy positions() {
        return policy;
    }
}
