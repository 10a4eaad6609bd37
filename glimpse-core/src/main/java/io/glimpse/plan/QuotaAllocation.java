package io.glimpse.plan;

/**
 * QuoTA's query-oriented assignment (MAC-AutoML/QuoTA {@code token_compress}, {@code scale_weights}):
 * w_t = (100·p_t)^exponent normalised, n_t = ⌊B·w_t⌋, n_t = 0 drops the frame. As in
 * QuoTA's non-v1 versions shares are capped (here at the frame's native count) and the excess redistributed by
 * weight until none exceeds its cap; all-zero relevance splits evenly. Default exponent 2 ({@code weight_scale
 * [100, 2]}); the 100 cancels, so weights are computed as (p_t / max p)^exponent, which cannot overflow.
 */
public final class QuotaAllocation implements QueryAllocation {
    private final double exponent;

    public QuotaAllocation() {
        this(2.0);
    }

    public QuotaAllocation(double exponent) {
        if (!(exponent > 0) || Double.isInfinite(exponent)) {
            throw new IllegalArgumentException("QuoTA weight exponent must be finite and positive, got " + exponent);
        }
        this.exponent = exponent;
    }

    @Override
    public int[] allocate(double[] relevance, int[] nativeTokens, int budget) {
        int n = relevance.length;
        if (nativeTokens.length != n) {
            throw new IllegalArgumentException("relevance has " + n + " frames but native token counts "
                    + nativeTokens.length);
        }
        if (budget < 1) {
            throw new IllegalArgumentException("token budget must be at least 1, got " + budget);
        }
        double[] w = new double[n];
        double max = 0;
        for (int t = 0; t < n; t++) {
            if (!Double.isFinite(relevance[t]) || relevance[t] < 0) {
                throw new IllegalArgumentException("relevance of frame " + t + " must be finite and >= 0, got "
                        + relevance[t]);
            }
            if (nativeTokens[t] < 1) {
                throw new IllegalArgumentException("native token count of frame " + t + " must be >= 1, got "
                        + nativeTokens[t]);
            }
            max = Math.max(max, relevance[t]);
        }
        for (int t = 0; t < n; t++) {
            w[t] = max == 0 ? 1.0 : Math.pow(relevance[t] / max, exponent);
        }
        int[] out = new int[n];
        boolean[] capped = new boolean[n];
        double remaining = budget;
        boolean changed = true;
        while (changed) {
            changed = false;
            double free = 0;
            for (int t = 0; t < n; t++) {
                free += capped[t] ? 0 : w[t];
            }
            for (int t = 0; t < n && free > 0; t++) {
                if (!capped[t] && remaining * w[t] / free >= nativeTokens[t]) {
                    capped[t] = true;
                    out[t] = nativeTokens[t];
                    remaining -= nativeTokens[t];
                    changed = true;
                }
            }
            if (!changed) {
                for (int t = 0; t < n; t++) {
                    if (!capped[t]) {
                        out[t] = free > 0 ? (int) Math.floor(remaining * w[t] / free) : 0;
                    }
                }
            }
        }
        return out;
    }
}
