package io.glimpse.nn;

import io.glimpse.tensor.Parallel;
import io.glimpse.tensor.VectorOps;

import java.util.Arrays;

/**
 * The MLP activations of HF vision towers and projectors (transformers/activations.py ACT2FN). {@link #apply}
 * evaluates each in double and rounds once to float, so its only error against PyTorch is that final rounding.
 * The decoders' gated SiLU is {@link #swiGlu}.
 */
public enum Activation {
    /** CLIP's {@code quick_gelu}: x·σ(1.702x). */
    QUICK_GELU("quick_gelu"),
    /** SigLIP's {@code gelu_pytorch_tanh} (also {@code gelu_new}): 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))). */
    GELU_TANH("gelu_pytorch_tanh", "gelu_new"),
    /** The exact GELU, 0.5x(1 + erf(x/√2)), as {@code "gelu"} in HF configs and LLaVA projectors. */
    GELU_ERF("gelu");

    private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);
    private static final VectorOps OPS = VectorOps.get();
    private static final double TWO_OVER_SQRT_PI = 2.0 / Math.sqrt(Math.PI);

    private final String[] names;

    Activation(String... names) {
        this.names = names;
    }

    /** The activation an HF config names in {@code hidden_act}, or null when none matches. */
    public static Activation byName(String name) {
        for (Activation a : values()) {
            if (Arrays.asList(a.names).contains(name)) {
                return a;
            }
        }
        return null;
    }

    /** Every name {@link #byName} accepts. */
    public static String knownNames() {
        StringBuilder sb = new StringBuilder();
        for (Activation a : values()) {
            for (String n : a.names) {
                sb.append(sb.length() == 0 ? "" : ", ").append(n);
            }
        }
        return sb.toString();
    }

    public float apply(float v) {
        double x = v;
        return (float) switch (this) {
            case QUICK_GELU -> x / (1.0 + Math.exp(-1.702 * x));
            case GELU_TANH -> 0.5 * x * (1.0 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)));
            case GELU_ERF -> 0.5 * x * (1.0 + erf(x / Math.sqrt(2.0)));
        };
    }

    /**
     * Applies the activation in place to a[from, to). The sigmoid-shaped ones run on the vector kernels in float
     * (within a few ulps of {@link #apply}); the exact GELU stays in double, element by element.
     */
    public void applyInPlace(float[] a, int from, int to) {
        switch (this) {
            case QUICK_GELU -> OPS.sigmoidGate(a, from, to - from, 1.702f, 0f);
            case GELU_TANH -> OPS.sigmoidGate(a, from, to - from, (float) (2 * SQRT_2_OVER_PI),
                    (float) (2 * SQRT_2_OVER_PI * 0.044715));
            case GELU_ERF -> {
                for (int i = from; i < to; i++) {
                    a[i] = apply(a[i]);
                }
            }
        }
    }

    /**
     * The SwiGLU of Llama/Qwen2 MLPs, silu(gate)·up, for rows laid out [gate (inter) | up (inter)]: out [rows × inter].
     * The exponential runs on the vector kernels in float, as the decoder's reference does; rows are split over the
     * threads (in a 512-row prefill of Qwen2-0.5B's shape this loop had taken 5-10% of the time, on one thread).
     */
    public static void swiGlu(float[] gateUp, int rows, int inter, float[] out) {
        Parallel.current().forRanges(rows, 1, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                OPS.swiGlu(gateUp, r * 2 * inter, gateUp, r * 2 * inter + inter, out, r * inter, inter);
            }
        });
    }

    /**
     * erf in double precision from the everywhere-convergent series with positive terms,
     * erf(x) = 2/√π · e^(−x²) · Σ_n 2ⁿ x^(2n+1) / (1·3·…·(2n+1)) (Abramowitz &amp; Stegun 7.1.6). No term
     * cancels, so the relative error stays near machine precision; beyond |x| = 6 erf is ±1 in double.
     */
    static double erf(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        double ax = Math.abs(x);
        if (ax >= 6.0) {
            return Math.copySign(1.0, x);
        }
        double x2 = ax * ax;
        double term = ax;
        double sum = ax;
        for (int n = 1; term > sum * 1e-17; n++) {
            term *= 2.0 * x2 / (2 * n + 1);
            sum += term;
        }
        return Math.copySign(Math.min(1.0, TWO_OVER_SQRT_PI * Math.exp(-x2) * sum), x);
    }
}
