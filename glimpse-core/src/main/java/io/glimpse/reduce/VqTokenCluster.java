package io.glimpse.reduce;

import io.glimpse.tokens.TokenSet;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
            int k = budget.target(n, NAME);
            fit = kMeans(unit, weight, d, seeds(unit, d, n, k, ctx.seed()), new int[] {k}, iters)[0];
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
        int[] sizes = new int[hi - lo + 1];
        for (int k = lo; k <= hi; k++) {
            sizes[k - lo] = k;
        }
        Fit[] fits = kMeans(unit, weight, d, seeds, sizes, iters);
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
     * Weighted spherical k-means for several codebook sizes, size k starting from the first k seeds (one centroid
     * each). The sizes run in lockstep so that one GEMM per iteration assigns the tokens for all of them (a GEMM
     * against a single small codebook is too narrow to run fast); each stops on its own once its assignment stops
     * changing, or after {@code iters}. Every cluster is kept non-empty: an emptied cluster takes the point
     * farthest from its centroid among clusters of two or more.
     */
    static Fit[] kMeans(float[] unit, double[] weight, int d, int[] seeds, int[] sizes, int iters) {
        int n = weight.length;
        Run[] runs = new Run[sizes.length];
        for (int f = 0; f < sizes.length; f++) {
            runs[f] = new Run(Similarity.gather(unit, d, Arrays.copyOf(seeds, sizes[f])), sizes[f], n);
        }
        List<Run> active = new ArrayList<>(Arrays.asList(runs));
        for (int it = 0; it < iters && !active.isEmpty(); it++) {
            int[] bounds = new int[active.size() + 1];
            for (int g = 0; g < active.size(); g++) {
                bounds[g + 1] = bounds[g] + active.get(g).k;
            }
            float[] codebooks = new float[bounds[active.size()] * d];
            for (int g = 0; g < active.size(); g++) {
                System.arraycopy(active.get(g).centroids, 0, codebooks, bounds[g] * d, active.get(g).k * d);
            }
            int[][] nearest = new int[active.size()][n];
            Similarity.bestMatches(unit, n, codebooks, bounds, d, nearest, new float[active.size()][n]);
            for (int g = 0; g < active.size(); g++) {
                Run r = active.get(g);
                r.converged = Arrays.equals(r.assign, nearest[g]);
                r.assign = nearest[g];
                fillEmpty(unit, r.centroids, d, r.k, r.assign);
                r.updateCentroids(unit, weight, d);
            }
            active.removeIf(r -> r.converged);
        }
        Fit[] fits = new Fit[runs.length];
        for (int f = 0; f < runs.length; f++) {
            double distortion = 0;
            for (int t = 0; t < n; t++) {
                distortion += weight[t] * (1 - Similarity.cosine(unit, t, runs[f].centroids, runs[f].assign[t], d));
            }
            fits[f] = new Fit(runs[f].centroids, runs[f].assign, distortion);
        }
        return fits;
    }

    /** One codebook size's k-means state: centroids, the assignment, and the assignment they were last fit to. */
    private static final class Run {
        final int k;
        final float[] centroids;
        int[] assign;
        int[] fitted;
        boolean converged;

        Run(float[] centroids, int k, int n) {
            this.centroids = centroids;
            this.k = k;
            this.assign = new int[n];
            Arrays.fill(assign, -1);
            this.fitted = assign.clone();
        }

        /**
         * Moves each centroid to the normalized weighted sum of its members. Only clusters whose members changed
         * since the last update are summed again (the others would come out identical), which after the first
         * iterations is a small fraction of the tokens.
         */
        void updateCentroids(float[] unit, double[] weight, int d) {
            boolean[] dirty = new boolean[k];
            for (int t = 0; t < assign.length; t++) {
                if (assign[t] != fitted[t]) {
                    dirty[assign[t]] = true;
                    if (fitted[t] >= 0) {
                        dirty[fitted[t]] = true;
                    }
                }
            }
            double[] acc = new double[k * d];
            for (int t = 0; t < assign.length; t++) {
                if (dirty[assign[t]]) {
                    for (int j = 0; j < d; j++) {
                        acc[assign[t] * d + j] += weight[t] * unit[t * d + j];
                    }
                }
            }
            for (int c = 0; c < k; c++) {
                if (!dirty[c]) {
                    continue;
                }
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
            fitted = assign.clone();
        }
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
}
