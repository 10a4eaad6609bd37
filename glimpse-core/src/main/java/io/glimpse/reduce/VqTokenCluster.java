package io.glimpse.reduce;

import io.glimpse.tokens.TokenSet;

import java.util.Arrays;
import java.util.Random;

/**
 * Compresses all tokens into a small codebook by cosine k-means, k at the elbow of the distortion curve; the output's
 * origin is the token hash (grid position → code): VQToken (Zhang et al., NeurIPS 2025).
 * Parameters: {@code k} or {@code keep} fix the size, else it adapts in [{@code mink}, {@code maxk}] (12..32);
 * {@code iters} (100); k-means++ seeded from the context. VQToken's code takes argmax(second difference)+4 and codes
 * are means of normalized tokens; here k is at the largest second difference and each code is the size-weighted
 * mean of its members' embeddings, anchored at the member nearest its centroid.
 */
public final class VqTokenCluster implements Reducer {
    public static final String NAME = "vqtoken";

    public static final ReducerMethod METHOD = ReducerMethod.of(NAME,
            "VQToken: cosine k-means codebook with adaptive (elbow) size; origin holds the token hash",
            spec -> new VqTokenCluster(spec.explicitBudget().orElse(null), spec.integer("mink"), spec.integer("maxk"),
                    spec.integer("iters")),
            ParamDef.keep(null),
            ParamDef.count(),
            ParamDef.integer("mink", 1, 1 << 20, 12, "smallest adaptive codebook size"),
            ParamDef.integer("maxk", 1, 1 << 20, 32, "largest adaptive codebook size"),
            ParamDef.integer("iters", 1, 10_000, 100, "most k-means iterations"));

    private final Budget budget;
    private final int minK;
    private final int maxK;
    private final int iters;

    /** @param budget a fixed codebook size, or null to choose it adaptively in [minK, maxK] */
    public VqTokenCluster(Budget budget, int minK, int maxK, int iters) {
        if (minK < 1 || maxK < minK || iters < 1 || (budget != null && budget.kind() == Budget.Kind.REMOVE)) {
            throw new IllegalArgumentException(NAME + ": needs 1 ≤ mink ≤ maxk, iters ≥ 1, and keep= or k= (not r=);"
                    + " got mink="
                    + minK + ", maxk=" + maxK + ", iters=" + iters);
        }
        this.budget = budget;
        this.minK = minK;
        this.maxK = maxK;
        this.iters = iters;
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
        double[] weight = new double[n];
        for (int t = 0; t < n; t++) {
            weight[t] = in.tokenSize(t);
        }
        Fit fit;
        if (budget != null) {
            fit = kMeans(unit, weight, d, seeds(unit, d, n, budget.target(n, NAME), ctx.seed()), iters);
        } else {
            if (n == 0) {
                throw new IllegalArgumentException(NAME + ": received no tokens");
            }
            fit = adaptive(unit, weight, d, Math.min(minK, n), Math.min(maxK, n), ctx.seed());
        }
        int k = fit.centroids.length / d;
        int[] anchor = new int[k];
        double[] bestCos = new double[k];
        Arrays.fill(anchor, -1);
        for (int t = 0; t < n; t++) {
            int c = fit.assign[t];
            double cos = Similarity.cosine(unit, t, fit.centroids, c, d);
            if (anchor[c] < 0 || cos > bestCos[c]) {
                anchor[c] = t;
                bestCos[c] = cos;
            }
        }
        return in.regroup(fit.assign, k, anchor);
    }

    /**
     * The full grid again: every original patch gets the embedding of the code that represents it (zeros for
     * patches dropped before clustering). Row-major patchCount×dim.
     */
    public static float[] decode(TokenSet codebook) {
        int d = codebook.dim();
        float[] out = new float[codebook.patchCount() * d];
        float[] e = codebook.embeddingsView();
        for (int p = 0; p < codebook.patchCount(); p++) {
            int code = codebook.origin(p);
            if (code >= 0) {
                System.arraycopy(e, code * d, out, p * d, d);
            }
        }
        return out;
    }

    private Fit adaptive(float[] unit, double[] weight, int d, int lo, int hi, long seed) {
        // k-means++ picks its seeds one after another from one random stream, so the seeds of a smaller k are a
        // prefix of those of the largest: seeding once serves every candidate size.
        int[] seeds = seeds(unit, d, weight.length, hi, seed);
        Fit[] fits = new Fit[hi - lo + 1];
        for (int k = lo; k <= hi; k++) {
            fits[k - lo] = kMeans(unit, weight, d, Arrays.copyOf(seeds, k), iters);
        }
        int best = 0;
        double bestCurvature = Double.NEGATIVE_INFINITY;
        for (int i = 1; i + 1 < fits.length; i++) {
            double curvature = fits[i - 1].distortion - 2 * fits[i].distortion + fits[i + 1].distortion;
            if (curvature > bestCurvature) {
                bestCurvature = curvature;
                best = i;
            }
        }
        return fits[best];
    }

    /** Centroids (k×d, unit length or zero), each token's cluster, and the weighted cosine distortion. */
    record Fit(float[] centroids, int[] assign, double distortion) {
    }

    /**
     * Weighted spherical k-means from the given seed tokens (one centroid each). Every cluster is kept non-empty:
     * an emptied cluster takes the point farthest from its centroid among clusters of two or more.
     */
    static Fit kMeans(float[] unit, double[] weight, int d, int[] seeds, int iters) {
        int n = weight.length;
        int k = seeds.length;
        float[] centroids = Similarity.gather(unit, d, seeds);
        int[] assign = new int[n];
        Arrays.fill(assign, -1);
        int[] nearest = new int[n];
        float[] cos = new float[n];
        for (int it = 0; it < iters; it++) {
            Similarity.bestMatches(unit, n, centroids, k, d, nearest, cos);
            boolean changed = !Arrays.equals(assign, nearest);
            System.arraycopy(nearest, 0, assign, 0, n);
            fillEmpty(unit, centroids, d, k, assign);
            updateCentroids(unit, weight, d, k, assign, centroids);
            if (!changed) {
                break;
            }
        }
        double distortion = 0;
        for (int t = 0; t < n; t++) {
            distortion += weight[t] * (1 - Similarity.cosine(unit, t, centroids, assign[t], d));
        }
        return new Fit(centroids, assign, distortion);
    }

    /** k distinct tokens by k-means++ (the next seed sampled by squared cosine distance to the nearest so far). */
    static int[] seeds(float[] unit, int d, int n, int k, long seed) {
        Random rnd = new Random(seed);
        int[] picks = new int[k];
        boolean[] used = new boolean[n];
        double[] nearest = new double[n];
        Arrays.fill(nearest, Double.POSITIVE_INFINITY);
        int pick = rnd.nextInt(n);
        for (int c = 0; c < k; c++) {
            if (c > 0) {
                pick = sample(nearest, used, rnd);
            }
            used[pick] = true;
            picks[c] = pick;
            for (int t = 0; t < n; t++) {
                double dist = 1 - Similarity.cosine(unit, t, pick, d);
                nearest[t] = Math.min(nearest[t], dist * dist);
            }
        }
        return picks;
    }

    private static int sample(double[] nearest, boolean[] used, Random rnd) {
        double total = 0;
        for (int t = 0; t < nearest.length; t++) {
            if (!used[t]) {
                total += nearest[t];
            }
        }
        int fallback = -1;
        double x = rnd.nextDouble() * total;
        for (int t = 0; t < nearest.length; t++) {
            if (used[t]) {
                continue;
            }
            if (fallback < 0) {
                fallback = t;
            }
            x -= nearest[t];
            if (total > 0 && x < 0 && nearest[t] > 0) {
                return t;
            }
        }
        return fallback;
    }

    private static void fillEmpty(float[] unit, float[] centroids, int d, int k, int[] assign) {
        int[] count = new int[k];
        for (int a : assign) {
            count[a]++;
        }
        for (int c = 0; c < k; c++) {
            if (count[c] > 0) {
                continue;
            }
            int far = -1;
            double farDist = -1;
            for (int t = 0; t < assign.length; t++) {
                if (count[assign[t]] > 1) {
                    double dist = 1 - Similarity.cosine(unit, t, centroids, assign[t], d);
                    if (dist > farDist) {
                        farDist = dist;
                        far = t;
                    }
                }
            }
            count[assign[far]]--;
            assign[far] = c;
            count[c] = 1;
            System.arraycopy(unit, far * d, centroids, c * d, d);
        }
    }

    private static void updateCentroids(float[] unit, double[] weight, int d, int k, int[] assign, float[] centroids) {
        double[] acc = new double[k * d];
        for (int t = 0; t < assign.length; t++) {
            for (int j = 0; j < d; j++) {
                acc[assign[t] * d + j] += weight[t] * unit[t * d + j];
            }
        }
        for (int c = 0; c < k; c++) {
            double ss = 0;
            for (int j = 0; j < d; j++) {
                ss += acc[c * d + j] * acc[c * d + j];
            }
            if (ss == 0) {
                continue;
            }
            double inv = 1 / Math.sqrt(ss);
            for (int j = 0; j < d; j++) {
                centroids[c * d + j] = (float) (acc[c * d + j] * inv);
            }
        }
    }
}
