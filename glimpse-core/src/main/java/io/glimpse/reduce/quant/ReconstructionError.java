package io.glimpse.reduce.quant;

/**
 * How far reconstructed embeddings are from the originals.
 *
 * @param mse         mean squared error over all n×d values
 * @param maxAbsError largest absolute error of a single value
 * @param meanCosine  mean over tokens of cos(original, reconstructed); 1 when both are zero, 0 when only one is
 */
public record ReconstructionError(double mse, double maxAbsError, double meanCosine) {
    public static ReconstructionError of(float[] original, float[] restored, int n, int d) {
        if (original.length != (long) n * d || restored.length != original.length) {
            throw new IllegalArgumentException("need two " + n + "x" + d + " arrays, got " + original.length + " and "
                    + restored.length + " values");
        }
        double se = 0;
        double max = 0;
        double cosines = 0;
        for (int t = 0; t < n; t++) {
            double dot = 0;
            double a2 = 0;
            double b2 = 0;
            for (int k = 0; k < d; k++) {
                double a = original[t * d + k];
                double b = restored[t * d + k];
                se += (a - b) * (a - b);
                max = Math.max(max, Math.abs(a - b));
                dot += a * b;
                a2 += a * a;
                b2 += b * b;
            }
            cosines += a2 == 0 && b2 == 0 ? 1 : (a2 == 0 || b2 == 0 ? 0 : dot / Math.sqrt(a2 * b2));
        }
        return new ReconstructionError(n == 0 ? 0 : se / ((double) n * d), max, n == 0 ? 1 : cosines / n);
    }
}
