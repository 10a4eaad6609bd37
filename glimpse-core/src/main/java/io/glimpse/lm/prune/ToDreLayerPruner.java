package io.glimpse.lm.prune;

import io.glimpse.lm.LayerAttention;
import io.glimpse.lm.LayerPruner;
import io.glimpse.lm.PositionPolicy;

import java.util.stream.IntStream;

/**
 * ToDRE's second stage: at one deep layer, measure the share of attention text pays to visual tokens and visual
 * tokens pay to text (head mean); when both fall below τ the visual tokens have done their work, and all of them
 * (with their KV) are removed from the layers after it. Li et al., "ToDRE: Visual Token Pruning via Diversity and
 * Task Awareness", arXiv 2505.18757 (no public code; formulas from the paper). Defaults: check layer 7L/8, τ = 0.10.
 * Parameters: the visual rows [start, start + count) of the prefill, a position policy for the text after them.
 */
public final class ToDreLayerPruner implements LayerPruner {
    private final int checkLayer;
    private final int start;
    private final int count;
    private final double threshold;
    private final PositionPolicy policy;

    public ToDreLayerPruner(int checkLayer, int start, int count, double threshold, PositionPolicy policy) {
        if (checkLayer < 0 || start < 0 || count < 1 || !(threshold > 0 && threshold <= 1)) {
            throw new IllegalArgumentException("ToDRE needs check layer >= 0, start >= 0, count >= 1 and τ in (0, 1], got "
                    + checkLayer + ", " + start + ", " + count + ", " + threshold);
        }
        this.checkLayer = checkLayer;
        this.start = start;
        this.count = count;
        this.threshold = threshold;
        this.policy = policy;
    }

    public static ToDreLayerPruner defaults(int layers, int start, int count) {
        return new ToDreLayerPruner(Math.min(layers - 2, 7 * layers / 8), start, count, 0.10, PositionPolicy.KEEP_ORIGINAL);
    }

    @Override
    public boolean actsBefore(int layer) {
        return layer == checkLayer + 1;
    }

    @Override
    public int[] keep(int layer, LayerAttention attention) {
        double[] s = shares(attention, start, count);
        boolean drop = s[0] < threshold && s[1] < threshold;
        return IntStream.range(0, attention.rows()).filter(r -> !drop || !isVisual(attention.originalRow(r))).toArray();
    }

    private boolean isVisual(int originalRow) {
        return originalRow >= start && originalRow < start + count;
    }

    /**
     * {α text→visual, α visual→text}: the head-mean attention mass that rows after the visual block put on visual
     * keys, over all their mass; and the mass visual rows put on those text rows (0 under a causal mask).
     */
    public static double[] shares(LayerAttention attention, int start, int count) {
        float[] a = attention.meanProbabilities();
        int rows = attention.rows();
        int keys = attention.keys();
        int past = attention.past();
        double textToVisual = 0;
        double textTotal = 0;
        double visualToText = 0;
        double visualTotal = 0;
        for (int r = 0; r < rows; r++) {
            int o = attention.originalRow(r);
            boolean rowVisual = o >= start && o < start + count;
            boolean rowTextAfter = o >= start + count;
            if (!rowVisual && !rowTextAfter) {
                continue;
            }
            for (int c = 0; c < rows; c++) {
                int oc = attention.originalRow(c);
                double p = a[r * keys + past + c];
                if (rowTextAfter && oc >= start && oc < start + count) {
                    textToVisual += p;
                } else if (rowVisual && oc >= start + count) {
                    visualToText += p;
                }
            }
            double total = 0;
            for (int j = 0; j < keys; j++) {
                total += a[r * keys + j];
            }
            if (rowVisual) {
                visualTotal += total;
            } else {
                textTotal += total;
            }
        }
        return new double[] {textTotal == 0 ? 0 : textToVisual / textTotal, visualTotal == 0 ? 0 : visualToText / visualTotal};
    }

    @Override
    public PositionPolicy positions() {
        return policy;
    }
}
