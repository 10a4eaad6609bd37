package io.glimpse.tokens;

/**
 * How well a reduced TokenSet still describes the tokens it came from, measured through provenance.
 *
 * @param tokens         tokens in the reduced set
 * @param patches        patches the original set represented
 * @param dropped        of those, patches no reduced token represents any more
 * @param meanCosine     mean over represented patches of cos(original token, token that now represents it)
 * @param worstCosine    minimum of the same
 * @param coverageRadius max over all original patches of (1 − best cosine to any reduced token): how far the
 *                       least-covered content is from what was kept (0 = everything kept)
 * @param droppedMeanCosine  mean over dropped patches of the cosine to the nearest (most similar) reduced token, 1
 *                       when none was dropped: the cosines above see only what a pruner kept
 * @param droppedWorstCosine minimum of the same
 */
public record Fidelity(int tokens, int patches, int dropped, double meanCosine, double worstCosine, double coverageRadius,
                       double droppedMeanCosine, double droppedWorstCosine) {

    /**
     * Compares a reduction against its input. Both sets must share the frame table; {@code reduced}'s origin
     * is read through {@code original}'s, so any chain of reductions can be scored against its start.
     */
    public static Fidelity of(TokenSet original, TokenSet reduced) {
        if (original.patchCount() != reduced.patchCount() || original.dim() != reduced.dim()) {
            throw new IllegalArgumentException("reduced set (" + reduced + ") does not descend from " + original);
        }
        int d = original.dim();
        double[] normO = norms(original);
        double[] normR = norms(reduced);
        float[] eo = original.embeddingsView();
        float[] er = reduced.embeddingsView();
        double sum = 0;
        double worst = Double.POSITIVE_INFINITY;
        int represented = 0;
        int patches = 0;
        int dropped = 0;
        double radius = 0;
        double droppedSum = 0;
        double droppedWorst = 1;
        double[] bestCache = new double[original.size()];
        java.util.Arrays.fill(bestCache, Double.NaN);
        for (int p = 0; p < original.patchCount(); p++) {
            int o = original.origin(p);
            if (o < 0) {
                continue;
            }
            patches++;
            if (Double.isNaN(bestCache[o])) {
                double best = -1;
                for (int t = 0; t < reduced.size(); t++) {
                    best = Math.max(best, cosine(eo, o * d, normO[o], er, t * d, normR[t], d));
                }
                bestCache[o] = reduced.size() == 0 ? -1 : best;
            }
            radius = Math.max(radius, 1 - bestCache[o]);
            int r = reduced.origin(p);
            if (r < 0) {
                dropped++;
                droppedSum += bestCache[o];
                droppedWorst = Math.min(droppedWorst, bestCache[o]);
                continue;
            }
            double c = cosine(eo, o * d, normO[o], er, r * d, normR[r], d);
            sum += c;
            worst = Math.min(worst, c);
            represented++;
        }
        return new Fidelity(reduced.size(), patches, dropped, represented == 0 ? 0 : sum / represented,
                represented == 0 ? 0 : worst, radius, dropped == 0 ? 1 : droppedSum / dropped, droppedWorst);
    }

    private static double[] norms(TokenSet t) {
        double[] n = new double[t.size()];
        float[] e = t.embeddingsView();
        int d = t.dim();
        for (int i = 0; i < t.size(); i++) {
            double s = 0;
            for (int k = 0; k < d; k++) {
                s += (double) e[i * d + k] * e[i * d + k];
            }
            n[i] = Math.sqrt(s);
        }
        return n;
    }

    /** Cosine similarity; two zero vectors count as identical, a zero against a non-zero as orthogonal. */
    private static double cosine(float[] a, int ao, double na, float[] b, int bo, double nb, int d) {
        if (na == 0 || nb == 0) {
            return na == nb ? 1 : 0;
        }
        double s = 0;
        for (int k = 0; k < d; k++) {
            s += (double) a[ao + k] * b[bo + k];
        }
        return s / (na * nb);
    }
}
