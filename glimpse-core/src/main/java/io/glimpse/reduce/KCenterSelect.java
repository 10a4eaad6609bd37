package io.glimpse.reduce;

import io.glimpse.tokens.TokenSet;

import java.util.Arrays;
import java.util.Locale;

/**
 * Keeps a diverse subset by greedy k-center (farthest point) on cosine distance: ToDRE's stage 1 (arXiv 2505.18757;
 * v1 says k-center, v2 greedy max-sum, offered as {@code variant=kcenter|maxsum}). Parameters: {@code keep} (default
 * 0.25) or {@code k}; {@code relevance} λ (default 0.5) scales each candidate's distance by (1−λ)+λ·r, r its min-max
 * scaled query relevance from the context, if any. Pivot: the most relevant token, else the one least like the mean
 * direction (ToDRE takes the CLS-attention argmax, or a random token without CLS). Kept tokens stay in order.
 */
public final class KCenterSelect implements Reducer {
    public static final String NAME = "kcenter";

    /** How a candidate's distance to the chosen set is measured. */
    public enum Variant {
        /** Distance to the nearest chosen token (farthest-point / k-center). */
        KCENTER,
        /** Sum of distances to all chosen tokens (max-sum diversification). */
        MAXSUM
    }

    public static final ReducerMethod METHOD = ReducerMethod.of(NAME,
            "ToDRE diversity selection: greedy k-center (or max-sum) on cosine distance, optional relevance weights",
            spec -> new KCenterSelect(spec.budget(), Variant.valueOf(spec.choice("variant").toUpperCase(Locale.ROOT)),
                    spec.real("relevance")),
            ParamDef.keep(0.25),
            ParamDef.count(),
            ParamDef.choice("variant", "kcenter", "kcenter = farthest point, maxsum = max-sum diversity",
                    "kcenter", "maxsum"),
            ParamDef.real("relevance", 0, 1, 0.5, "weight of query relevance in the choice (when the context has one)"));

    private final Budget budget;
    private final Variant variant;
    private final double lambda;

    public KCenterSelect(Budget budget, Variant variant, double relevanceWeight) {
        if (!(relevanceWeight >= 0 && relevanceWeight <= 1)) {
            throw new IllegalArgumentException(NAME + ": relevance weight must be in [0, 1], got " + relevanceWeight);
        }
        this.budget = budget;
        this.variant = variant;
        this.lambda = relevanceWeight;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public TokenSet apply(TokenSet in, ReduceContext ctx) {
        float[] unit = Similarity.unitRows(in, NAME);
        int n = in.size();
        int d = in.dim();
        int k = budget.target(n, NAME);
        double[] weight = weights(in, ctx);
        int pivot = pivot(unit, n, d, weight);
        boolean[] chosen = new boolean[n];
        double[] dist = new double[n];
        int[] keep = new int[k];
        int c = pivot;
        for (int i = 0; i < k; i++) {
            keep[i] = c;
            chosen[c] = true;
            int next = -1;
            double best = Double.NEGATIVE_INFINITY;
            for (int v = 0; v < n; v++) {
                if (chosen[v]) {
                    continue;
                }
                double dv = 1.0 - Similarity.cosine(unit, v, c, d);
                dist[v] = i == 0 ? dv : variant == Variant.KCENTER ? Math.min(dist[v], dv) : dist[v] + dv;
                double score = weight[v] * dist[v];
                if (score > best) {
                    best = score;
                    next = v;
                }
            }
            c = next;
        }
        return in.selectInOrder(keep);
    }

    /** (1−λ)+λ·r per token, r = mean relevance of its patches scaled to [0,1]; all ones without relevance. */
    private double[] weights(TokenSet in, ReduceContext ctx) {
        double[] w = new double[in.size()];
        float[] rel = ctx.relevance();
        if (rel == null) {
            Arrays.fill(w, 1.0);
            return w;
        }
        double[] r = tokenRelevance(in, rel, NAME);
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double v : r) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        for (int t = 0; t < w.length; t++) {
            double scaled = hi > lo ? (r[t] - lo) / (hi - lo) : 1.0;
            w[t] = (1 - lambda) + lambda * scaled;
        }
        return w;
    }

    /**
     * Mean per-patch relevance over the patches each token represents.
     *
     * @throws IllegalArgumentException when the relevance array does not match the patches or is not finite
     */
    static double[] tokenRelevance(TokenSet in, float[] relevance, String method) {
        if (relevance.length != in.patchCount()) {
            throw new IllegalArgumentException(method + ": relevance has " + relevance.length + " entries for "
                    + in.patchCount() + " patches");
        }
        double[] sum = new double[in.size()];
        for (int p = 0; p < relevance.length; p++) {
            if (!Float.isFinite(relevance[p])) {
                throw new IllegalArgumentException(method + ": relevance of patch " + p + " is " + relevance[p]);
            }
            int t = in.origin(p);
            if (t >= 0) {
                sum[t] += relevance[p];
            }
        }
        for (int t = 0; t < sum.length; t++) {
            sum[t] /= in.tokenSize(t);
        }
        return sum;
    }

    /** The most relevant token when relevance tells tokens apart, else the one least like the mean direction. */
    private static int pivot(float[] unit, int n, int d, double[] weight) {
        int best = 0;
        for (int t = 1; t < n; t++) {
            if (weight[t] > weight[best]) {
                best = t;
            }
        }
        if (weight[best] > Arrays.stream(weight).min().orElse(weight[best])) {
            return best;
        }
        float[] mean = new float[d];
        for (int t = 0; t < n; t++) {
            for (int j = 0; j < d; j++) {
                mean[j] += unit[t * d + j];
            }
        }
        double bestCos = Double.POSITIVE_INFINITY;
        for (int t = 0; t < n; t++) {
            double c = 0;
            for (int j = 0; j < d; j++) {
                c += (double) unit[t * d + j] * mean[j];
            }
            if (c < bestCos) {
                bestCos = c;
                best = t;
            }
        }
        return best;
    }
}
