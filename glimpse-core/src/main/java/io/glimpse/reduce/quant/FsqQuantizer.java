package io.glimpse.reduce.quant;

import java.util.List;

/**
 * Finite scalar quantization: dimension k is rounded to one of L_k evenly spaced levels spanning its range, the
 * implicit codebook being the product of the L_k (token index = mixed-radix number of its codes). FSQ (Mentzer et
 * al., "Finite Scalar Quantization: VQ-VAE Made Simple", ICLR 2024). Parameters: levels per dimension (default
 * [8,5,5,5], the paper's 2^10 codebook) and a calibrated range per dimension. The paper projects to as many
 * dimensions as it lists levels; embeddings here are wider and not projected, so a list of L levels repeats over
 * the D dimensions (dimension k gets levels[k mod L]): each run of L consecutive dimensions is one code of the
 * paper's design, e.g. 8x5x5x5 over 1152 dimensions is 288 codes of 2^10. FSQ bounds each dimension with a tanh
 * in a tokenizer trained for it; embeddings from other encoders are unbounded, so here the bound is the fitted
 * range: the level grid includes both ends and the error inside the range is at most half a level step.
 */
public final class FsqQuantizer implements Quantizer {
    public static final List<Integer> DEFAULT_LEVELS = List.of(8, 5, 5, 5);

    private final int[] levels;
    private final float[] low;
    private final float[] high;

    public FsqQuantizer(int[] levels, float[] low, float[] high) {
        QuantInput.requireRange(name(), low, high);
        if (levels.length != low.length) {
            throw new IllegalArgumentException(name() + ": " + levels.length + " levels for " + low.length + " dimensions");
        }
        for (int k = 0; k < levels.length; k++) {
            if (levels[k] < 2) {
                throw new IllegalArgumentException(name() + ": dimension " + k + " needs at least 2 levels, got " + levels[k]);
            }
        }
        this.levels = levels.clone();
        this.low = low.clone();
        this.high = high.clone();
    }

    /**
     * Calibrates each dimension's range to the minimum and maximum of the n×d values x.
     *
     * @param levels levels of dimensions 0..L-1, repeated over the d dimensions (a single entry: every dimension)
     */
    public static FsqQuantizer fit(float[] x, int n, int d, int[] levels) {
        float[][] r = QuantInput.range("fsq", x, n, d);
        if (levels.length == 0) {
            throw new IllegalArgumentException("fsq: needs at least one level count");
        }
        int[] perDim = new int[d];
        for (int k = 0; k < d; k++) {
            perDim[k] = levels[k % levels.length];
        }
        return new FsqQuantizer(perDim, r[0], r[1]);
    }

    @Override
    public String name() {
        return "fsq";
    }

    @Override
    public int dim() {
        return levels.length;
    }

    @Override
    public int levels(int k) {
        return levels[k];
    }

    /** Distance between adjacent levels of dimension k; the round-trip error inside the range is at most half. */
    public double step(int k) {
        return ((double) high[k] - low[k]) / (levels[k] - 1);
    }

    @Override
    public QuantizedTokens quantize(float[] x, int n) {
        int d = dim();
        QuantInput.requireValues(name(), x, n, d);
        int[] codes = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            int k = i % d;
            double s = step(k);
            codes[i] = s > 0 ? (int) Math.max(0, Math.min(levels[k] - 1, Math.round((x[i] - (double) low[k]) / s))) : 0;
        }
        return new QuantizedTokens(n, d, codes, null);
    }

    @Override
    public float[] dequantize(QuantizedTokens q) {
        int d = dim();
        QuantInput.requireCodes(name(), q, d, this::levels);
        float[] x = new float[q.codes().length];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (low[i % d] + q.codes()[i] * step(i % d));
        }
        return x;
    }

    /**
     * The token's index in the implicit codebook: sum of code_k · (L_0 · … · L_{k-1}).
     *
     * @throws IllegalArgumentException when the codebook has more than Long.MAX_VALUE entries
     */
    public long codebookIndex(QuantizedTokens q, int token) {
        long index = 0;
        long radix = 1;
        for (int k = 0; k < dim(); k++) {
            index += q.code(token, k) * radix;
            if (k + 1 < dim()) {
                try {
                    radix = Math.multiplyExact(radix, levels[k]);
                } catch (ArithmeticException e) {
                    throw new IllegalArgumentException("fsq: the codebook of " + dim() + " dimensions is too large to index");
                }
            }
        }
        return index;
    }
}
