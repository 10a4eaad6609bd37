package io.glimpse.reduce.quant;

/**
 * Dimension-wise post-training quantization: each dimension is mapped affinely to a fixed interval and coded as the
 * nearest of B reconstruction values (outliers clamped). TokenBridge (Wang et al., 2025; YuqingWang1029/TokenBridge).
 * Bins default 64 (6 bits). Uniform layout (default): per-dimension [min, max], B equal bins restored to their centres.
 * Gaussian layout (the paper's): ±3σ cut at standard-normal quantiles, truncated-normal means; the paper fixes ±5 for
 * every channel (mean 0, σ 5/3 here), {@link #fitGaussian} fits mean and σ per dimension instead.
 */
public final class TokenBridgeQuantizer implements Quantizer {
    public static final int DEFAULT_BINS = 64;
    /** The paper clamps the Gaussian layout at ±3σ. */
    public static final double GAUSSIAN_CLAMP = 3.0;

    private final double[] shift;
    private final double[] width;
    private final double[] centroids;
    private final double zLow;
    private final double zHigh;

    private TokenBridgeQuantizer(double[] shift, double[] width, double[] centroids, double zLow, double zHigh) {
        this.shift = shift;
        this.width = width;
        this.centroids = centroids;
        this.zLow = zLow;
        this.zHigh = zHigh;
    }

    /** Uniform layout: B equal bins over [low[k], high[k]] in dimension k. */
    public TokenBridgeQuantizer(float[] low, float[] high, int bins) {
        this(doubles(low), widths(low, high), uniformCentroids(bins), 0, 1);
    }

    /** Uniform layout with each dimension's range fitted to the minimum and maximum of the n×d values x. */
    public static TokenBridgeQuantizer fit(float[] x, int n, int d, int bins) {
        float[][] r = QuantInput.range("tokenbridge", x, n, d);
        return new TokenBridgeQuantizer(r[0], r[1], bins);
    }

    /** Gaussian layout for dimensions with the given means and standard deviations. */
    public static TokenBridgeQuantizer gaussian(float[] mean, float[] std, int bins) {
        if (mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException("tokenbridge: need one mean and one std per dimension, got " + mean.length
                    + " and " + std.length);
        }
        for (int k = 0; k < std.length; k++) {
            if (!Float.isFinite(mean[k]) || !Float.isFinite(std[k]) || std[k] < 0) {
                throw new IllegalArgumentException("tokenbridge: dimension " + k + " has mean " + mean[k] + " and std "
                        + std[k]);
            }
        }
        return new TokenBridgeQuantizer(doubles(mean), doubles(std), gaussianCentroids(bins), -GAUSSIAN_CLAMP,
                GAUSSIAN_CLAMP);
    }

    /** Gaussian layout with each dimension's mean and standard deviation fitted to the n×d values x. */
    public static TokenBridgeQuantizer fitGaussian(float[] x, int n, int d, int bins) {
        QuantInput.requireValues("tokenbridge", x, n, d);
        double[] sum = new double[d];
        double[] sq = new double[d];
        for (int i = 0; i < x.length; i++) {
            sum[i % d] += x[i];
            sq[i % d] += (double) x[i] * x[i];
        }
        float[] mean = new float[d];
        float[] std = new float[d];
        for (int k = 0; k < d; k++) {
            double m = n == 0 ? 0 : sum[k] / n;
            mean[k] = (float) m;
            std[k] = n == 0 ? 0 : (float) Math.sqrt(Math.max(0, sq[k] / n - m * m));
        }
        return gaussian(mean, std, bins);
    }

    private static double[] widths(float[] low, float[] high) {
        QuantInput.requireRange("tokenbridge", low, high);
        double[] w = new double[low.length];
        for (int k = 0; k < w.length; k++) {
            w[k] = (double) high[k] - low[k];
        }
        return w;
    }

    private static double[] doubles(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    private static void requireBins(int bins) {
        if (bins < 2 || bins > 1 << 16) {
            throw new IllegalArgumentException("tokenbridge: bins must be in [2, 65536], got " + bins);
        }
    }

    private static double[] uniformCentroids(int bins) {
        requireBins(bins);
        double[] c = new double[bins];
        for (int j = 0; j < bins; j++) {
            c[j] = (j + 0.5) / bins;
        }
        return c;
    }

    /** Means of the standard normal truncated to the bins between its B-quantiles, clamped to ±3. */
    private static double[] gaussianCentroids(int bins) {
        requireBins(bins);
        double[] edge = new double[bins + 1];
        edge[0] = -GAUSSIAN_CLAMP;
        edge[bins] = GAUSSIAN_CLAMP;
        for (int j = 1; j < bins; j++) {
            edge[j] = Math.max(-GAUSSIAN_CLAMP, Math.min(GAUSSIAN_CLAMP, Normal.quantile((double) j / bins)));
        }
        double[] c = new double[bins];
        for (int j = 0; j < bins; j++) {
            c[j] = Normal.truncatedMean(edge[j], edge[j + 1]);
        }
        return c;
    }

    @Override
    public String name() {
        return "tokenbridge";
    }

    @Override
    public int dim() {
        return shift.length;
    }

    @Override
    public int levels(int k) {
        return centroids.length;
    }

    /** Largest round-trip error of dimension k for values inside its range: half the widest gap between codes. */
    public double maxError(int k) {
        double gap = Math.max(centroids[0] - zLow, zHigh - centroids[centroids.length - 1]);
        for (int j = 1; j < centroids.length; j++) {
            gap = Math.max(gap, (centroids[j] - centroids[j - 1]) / 2);
        }
        return gap * width[k];
    }

    /** Smallest and largest value dimension k represents without clamping. */
    public double[] range(int k) {
        return new double[] {shift[k] + zLow * width[k], shift[k] + zHigh * width[k]};
    }

    @Override
    public QuantizedTokens quantize(float[] x, int n) {
        int d = dim();
        QuantInput.requireValues(name(), x, n, d);
        int[] codes = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            int k = i % d;
            double z = width[k] > 0 ? Math.max(zLow, Math.min(zHigh, (x[i] - shift[k]) / width[k])) : zLow;
            codes[i] = nearest(z);
        }
        return new QuantizedTokens(n, d, codes, null);
    }

    /** Index of the centroid nearest z; a value halfway between two goes to the upper one. */
    private int nearest(double z) {
        int lo = 0;
        int hi = centroids.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (z >= (centroids[mid] + centroids[mid + 1]) / 2) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    @Override
    public float[] dequantize(QuantizedTokens q) {
        int d = dim();
        QuantInput.requireCodes(name(), q, d, this::levels);
        float[] x = new float[q.codes().length];
        for (int i = 0; i < x.length; i++) {
            int k = i % d;
            x[i] = (float) (shift[k] + centroids[q.codes()[i]] * width[k]);
        }
        return x;
    }
}
