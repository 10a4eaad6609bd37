package io.glimpse.reduce;

import io.glimpse.tokens.TokenSet;

import java.util.Arrays;

/**
 * Drops video tokens whose content barely changed since the previous frame at the same grid position: vLLM's
 * Efficient Video Sampling (vllm/multimodal/evs.py, PR #22980). Dissimilarity = 1 − cosine to the previous
 * frame's token there; the first frame is kept whole; the most dissimilar tokens are kept globally, in all
 * max(first-frame tokens, floor(n·(1−rate))). Parameter: {@code rate} in [0,1) (default 0.75, vLLM's example
 * {@code video_pruning_rate}). vLLM works on full grids; here a position whose previous token is gone counts as
 * fully changed. Kept tokens stay in order.
 */
public final class TemporalPrune implements Reducer {
    public static final String NAME = "evs";

    public static final ReducerMethod METHOD = ReducerMethod.of(NAME, Site.POOLED,
            "vLLM EVS: prune tokens that barely changed since the previous frame; first frame kept whole",
            spec -> new TemporalPrune(spec.real("rate")),
            ParamDef.realBelow("rate", 0, 1, 0.75, "fraction of the video tokens to prune"));

    private final double rate;

    public TemporalPrune(double rate) {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException(NAME + ": rate must be in [0, 1), got " + rate);
        }
        this.rate = rate;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public TokenSet apply(TokenSet in, ReduceContext ctx) {
        float[] unit = Similarity.unitRows(in, NAME);
        int n = in.size();
        if (n == 0) {
            return in;
        }
        int firstFrame = in.frame(0);
        double[] change = new double[n];
        int firstCount = 0;
        for (int t = 0; t < n; t++) {
            if (in.frame(t) == firstFrame) {
                change[t] = Double.POSITIVE_INFINITY;
                firstCount++;
            } else {
                int u = FrameAlignment.previousToken(in, t);
                change[t] = u < 0 ? 2.0 : 1.0 - Similarity.cosine(unit, t, u, in.dim());
            }
        }
        int keep = Math.max(firstCount, (int) Math.floor(n * (1 - rate)));
        Integer[] order = new Integer[n];
        for (int t = 0; t < n; t++) {
            order[t] = t;
        }
        Arrays.sort(order, (a, b) -> Double.compare(change[b], change[a]));
        int[] kept = new int[keep];
        for (int i = 0; i < keep; i++) {
            kept[i] = order[i];
        }
        return in.selectInOrder(kept);
    }
}
