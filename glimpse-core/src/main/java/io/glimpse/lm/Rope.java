package io.glimpse.lm;

/**
 * Rotary position embedding in Hugging Face's rotate-half convention (Su et al., "RoFormer", 2021; transformers
 * Qwen2RotaryEmbedding / apply_rotary_pos_emb): dimension i pairs with i + dh/2, and both use angle
 * p·inv_freq[i]. Frequencies, angles, cosines and sines are float32 as in the reference, so positions in the
 * thousands rotate exactly as the checkpoint saw in training. Llama-3 scaling follows _compute_llama3_parameters.
 */
public final class Rope {
    private final float[] invFreq;
    /** Pairs (2i, 2i+1) instead of (i, i + dh/2): the layout of q and k in a GGUF file of arch llama. */
    private final boolean interleaved;

    public Rope(DecoderConfig config) {
        this(config, null, false);
    }

    /**
     * As {@link #Rope(DecoderConfig)}, each inverse frequency then divided by its factor when {@code factors} is given
     * (llama.cpp's form of Llama-3 scaling, which GGUF files carry as a rope_freqs tensor, conversion/llama.py
     * generate_extra_tensors), and with {@code interleaved} pairs (2i, 2i+1) rotated by frequency i: llama.cpp's
     * converter permutes the q and k rows of arch llama so that these pairs hold what rotate-half pairs (i, i + dh/2)
     * held. Queries and keys come out permuted alike, so their dot products, and the attention, are unchanged.
     */
    public Rope(DecoderConfig config, float[] factors, boolean interleaved) {
        this.interleaved = interleaved;
        int half = config.headDim() / 2;
        invFreq = new float[half];
        for (int i = 0; i < half; i++) {
            float exponent = (float) (2 * i) / config.headDim();
            invFreq[i] = 1f / (float) Math.pow(config.ropeTheta(), exponent);
        }
        if (config.ropeScaling() != null) {
            scaleLlama3(invFreq, config.ropeScaling());
        }
        if (factors != null) {
            if (factors.length != half) {
                throw new IllegalArgumentException(factors.length + " rope factors for " + half + " frequencies");
            }
            for (int i = 0; i < half; i++) {
                invFreq[i] /= factors[i];
            }
        }
    }

    private static void scaleLlama3(float[] inv, DecoderConfig.Llama3Scaling s) {
        double lowWavelen = s.originalContext() / s.lowFreqFactor();
        double highWavelen = s.originalContext() / s.highFreqFactor();
        for (int i = 0; i < inv.length; i++) {
            float wavelen = (float) (2 * Math.PI) / inv[i];
            if (wavelen < highWavelen) {
                continue;
            }
            float scaled = (float) (inv[i] / s.factor());
            if (wavelen > lowWavelen) {
                inv[i] = scaled;
            } else {
                float smooth = (float) ((s.originalContext() / wavelen - s.lowFreqFactor()) / (s.highFreqFactor() - s.lowFreqFactor()));
                inv[i] = (1 - smooth) * scaled + smooth * inv[i];
            }
        }
    }

    /** The inverse frequencies, one per rotated pair. */
    public float[] inverseFrequencies() {
        return invFreq.clone();
    }

    /**
     * Rotates {@code heads} consecutive head vectors of length 2·inverseFrequencies().length starting at
     * {@code offset} in place, for a token at {@code position}.
     */
    public void apply(float[] x, int offset, int heads, int position) {
        apply(x, offset, heads, (float) position);
    }

    /**
     * As {@link #apply(float[], int, int, int)} at a fractional position (TC-LLaVA's n + γ·t); whole positions below
     * 2^24 rotate exactly as their int form.
     */
    public void apply(float[] x, int offset, int heads, float position) {
        int half = invFreq.length;
        int dh = 2 * half;
        float[] cos = new float[half];
        float[] sin = new float[half];
        for (int i = 0; i < half; i++) {
            float angle = position * invFreq[i];
            cos[i] = (float) Math.cos(angle);
            sin[i] = (float) Math.sin(angle);
        }
        for (int h = 0; h < heads; h++) {
            int base = offset + h * dh;
            for (int i = 0; i < half; i++) {
                int lo = base + (interleaved ? 2 * i : i);
                int hi = interleaved ? lo + 1 : lo + half;
                float a = x[lo];
                float b = x[hi];
                x[lo] = a * cos[i] - b * sin[i];
                x[hi] = b * cos[i] + a * sin[i];
            }
        }
    }
}
