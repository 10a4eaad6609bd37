package io.glimpse.reduce.quant;

/**
 * One bit per dimension: the sign (1 for ≥ 0), restored as ±scale, with the scale that minimizes squared error
 * either per token (its mean |x|, sent along with the bits) or per dimension (mean |x| of that dimension over a
 * calibration set). Binary latents as in Instella-T2I (AMD, 2025), whose 64-bit tokens come from a tokenizer trained
 * for them (bit = 1[σ(logit) > 0.5]); here bits are taken post hoc from any embeddings, so the scale carries the
 * magnitude. Parameter: scale per token (default) or per dimension. A dimension with scale 0 always codes 1.
 */
public final class BinaryQuantizer implements Quantizer {
    private final int d;
    private final float[] dimScales;

    /** Scales per token: each token sends its mean |x| with its bits. */
    public BinaryQuantizer(int d) {
        if (d <= 0) {
            throw new IllegalArgumentException("binary: dimension must be positive, got " + d);
        }
        this.d = d;
        this.dimScales = null;
    }

    /** One fixed scale per dimension. */
    public BinaryQuantizer(float[] dimScales) {
        if (dimScales.length == 0) {
            throw new IllegalArgumentException("binary: need at least one dimension scale");
        }
        for (int k = 0; k < dimScales.length; k++) {
            if (!Float.isFinite(dimScales[k]) || dimScales[k] < 0) {
                throw new IllegalArgumentException("binary: dimension " + k + " has scale " + dimScales[k]);
            }
        }
        this.d = dimScales.length;
        this.dimScales = dimScales.clone();
    }

    /** Per-dimension scales fitted to the n×d values x: mean |x| of each dimension. */
    public static BinaryQuantizer fitPerDimension(float[] x, int n, int d) {
        QuantInput.requireValues("binary", x, n, d);
        double[] sum = new double[d];
        for (int i = 0; i < x.length; i++) {
            sum[i % d] += Math.abs(x[i]);
        }
        float[] s = new float[d];
        for (int k = 0; k < d; k++) {
            s[k] = n == 0 ? 0 : (float) (sum[k] / n);
        }
        return new BinaryQuantizer(s);
    }

    @Override
    public String name() {
        return "binary";
    }

    @Override
    public int dim() {
        return d;
    }

    @Override
    public int levels(int k) {
        return 2;
    }

    /** True when each token carries its own scale. */
    public boolean perToken() {
        return dimScales == null;
    }

    @Override
    public QuantizedTokens quantize(float[] x, int n) {
        QuantInput.requireValues(name(), x, n, d);
        int[] codes = new int[x.length];
        float[] scales = perToken() ? new float[n] : null;
        for (int t = 0; t < n; t++) {
            if (scales != null) {
                double abs = 0;
                for (int k = 0; k < d; k++) {
                    abs += Math.abs(x[t * d + k]);
                }
                scales[t] = (float) (abs / d);
            }
            for (int k = 0; k < d; k++) {
                float s = scales != null ? scales[t] : dimScales[k];
                codes[t * d + k] = s == 0 || x[t * d + k] >= 0 ? 1 : 0;
            }
        }
        return new QuantizedTokens(n, d, codes, scales);
    }

    @Override
    public float[] dequantize(QuantizedTokens q) {
        QuantInput.requireCodes(name(), q, d, this::levels);
        if (perToken() != (q.tokenScales() != null)) {
            throw new IllegalArgumentException("binary: codes " + (perToken() ? "lack" : "carry") + " per-token scales");
        }
        float[] x = new float[q.codes().length];
        for (int i = 0; i < x.length; i++) {
            float s = perToken() ? q.tokenScales()[i / d] : dimScales[i % d];
            x[i] = q.codes()[i] == 1 ? s : -s;
        }
        return x;
    }
}
