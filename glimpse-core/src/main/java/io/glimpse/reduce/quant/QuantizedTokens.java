package io.glimpse.reduce.quant;

/**
 * Codes of n tokens of dimension d.
 *
 * @param codes       row-major n×d integer codes, code of dimension k in [0, levels(k))
 * @param tokenScales one scale per token for quantizers that send one (binary per-token), else null
 */
public record QuantizedTokens(int n, int d, int[] codes, float[] tokenScales) {
    public QuantizedTokens {
        if (n < 0 || d <= 0 || (long) n * d != codes.length) {
            throw new IllegalArgumentException("codes hold " + codes.length + " values, expected " + n + "x" + d);
        }
        if (tokenScales != null && tokenScales.length != n) {
            throw new IllegalArgumentException("token scales hold " + tokenScales.length + " values for " + n + " tokens");
        }
    }

    public int code(int token, int k) {
        return codes[token * d + k];
    }
}
