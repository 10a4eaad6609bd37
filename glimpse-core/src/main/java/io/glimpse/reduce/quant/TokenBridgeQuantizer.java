package io.glimpse.reduce.quant;

/**
 * Dimension-wise post-training quantization: each dimension's calibrated range [low, high] is cut into B equal bins,
 * a value's code is its bin and it is restored to the bin centre, so the error is at most half a bin width inside the
 * range (values outside are clamped). TokenBridge (Wang et al., "Bridging Continuous and Discrete Tokens for
 * Autoregressive Visual Generation", 2025; YuqingWang1029/TokenBridge). Parameter: bins B (default 64, the paper's 6
 * bits). The paper maps a fixed range ±5 onto standard-normal quantile bins (±3σ) with truncated-normal centroids;
 * here bins are uniform over a range fitted per dimension, which needs no Gaussian assumption about the embeddings.
 */
public final class TokenBridgeQuantizer implements Quantizer {
    public static final int DEFAULT_BINS = 64;

    private final float[] low;
    private final float[] high;
    private final int bins;

    public TokenBridgeQuantizer(float[] low, float[] high, int bins) {
        QuantInput.requireRange(name(), low, high);
        if (bins < 2) {
            throw new IllegalArgumentException(name() + ": bins must be at least 2, got " + bins);
        }
        this.low = low.clone();
        this.high = high.clone();
        this.bins = bins;
    }

    /** Calibrates each dimension's range to the minimum and maximum of the n×d values x. */
    public static TokenBridgeQuantizer fit(float[] x, int n, int d, int bins) {
        float[][] r = QuantInput.range("tokenbridge", x, n, d);
        return new TokenBridgeQuantizer(r[0], r[1], bins);
    }

    @Override
    public String name() {
        return "tokenbridge";
    }

    @Override
    public int dim() {
        return low.length;
    }

    @Override
    public int levels(int k) {
        return bins;
    }

    /** Bin width of dimension k; the round-trip error inside the range is at most half of it. */
    public double binWidth(int k) {
        return ((double) high[k] - low[k]) / bins;
    }

    @Override
    public QuantizedTokens quantize(float[] x, int n) {
        int d = dim();
        QuantInput.requireValues(name(), x, n, d);
        int[] codes = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            int k = i % d;
            double w = binWidth(k);
            codes[i] = w > 0 ? (int) Math.max(0, Math.min(bins - 1, Math.floor((x[i] - (double) low[k]) / w))) : 0;
        }
        return new QuantizedTokens(n, d, codes, null);
    }

    @Override
    public float[] dequantize(QuantizedTokens q) {
        int d = dim();
        QuantInput.requireCodes(name(), q, d, this::levels);
        float[] x = new float[q.codes().length];
        for (int i = 0; i < x.length; i++) {
            int k = i % d;
            x[i] = (float) (low[k] + (q.codes()[i] + 0.5) * binWidth(k));
        }
        return x;
    }
}
