package io.glimpse.reduce;

import io.glimpse.io.BadInputException;
import io.glimpse.tokens.TokenSet;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Compresses all tokens into a small codebook by cosine k-means (VQToken, Zhang et al., NeurIPS 2025): origin holds
 * the token hash (grid position → code); codes are size-weighted member means, anchored at the member nearest.
 * Size: {@code k}/{@code keep}, else the elbow (largest second difference; VQToken: argmax+4) of the distortion over
 * [{@code mink}, {@code maxk}] (12..32). k-means++ (context seed), ≤ {@code iters} (100), stops at moves < 1e-4.
 * Unlike VQToken, for speed, the elbow is read on {@code sample} (8192; 0 = all, VQToken's way) evenly spaced tokens,
 * then k is fit on all: distortion is a per-token mean, which an even subsample estimates to O(1/√sample).
 */
public final class VqTokenCluster implements Reducer {
    public static final String NAME = "vqtoken";

    public static final ReducerMethod METHOD = ReducerMethod.of(NAME, Site.POOLED,
            "VQToken: cosine k-means codebook with adaptive (elbow) size; origin holds the token hash",
            spec -> new VqTokenCluster(spec.explicitBudget().orElse(null), spec.integer("mink"), spec.integer("maxk"),
                    spec.integer("iters"), spec.integer("sample")),
            ParamDef.keep(null),
            ParamDef.count(),
            ParamDef.integer("mink", 1, 1 << 20, 12, "smallest adaptive codebook size"),
            ParamDef.integer("maxk", 1, 1 << 20, 32, "largest adaptive codebook size"),
            ParamDef.integer("iters", 1, 10_000, 100, "most k-means iterations"),
            ParamDef.integer("sample", 0, Integer.MAX_VALUE, 8192,
                    "tokens the adaptive size is chosen on (0 = all, as VQToken)"));

    private final Budget budget;
    private final int minK;
    private final int maxK;
    private final int iters;
    private final int sample;

    /**
     * @param budget a fixed codebook size, or null to choose it adaptively in [minK, maxK]
     * @param sample most tokens the adaptive size is chosen on (raised to maxK if below), or 0 for all of them
     */
    public VqTokenCluster(Budget budget, int minK, int maxK, int iters, int sample) {
        if (minK < 1 || maxK < minK || iters < 1 || sample < 0
                || (budget != null && budget.kind() == Budget.Kind.REMOVE)) {
            throw new BadInputException(NAME + ": needs 1 ≤ mink ≤ maxk, iters ≥ 1, sample ≥ 0, and keep= or"
                    + " k= (not r=); got mink=" + minK + ", maxk=" + maxK + ", iters=" + iters + ", sample=" + sample);
        }
        this.budget = budget;
        this.minK = minK;
        this.maxK = maxK;
        this.iters = iters;
        this.sample = sample;
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
            fit = fit(unit, weight, d, budget.target(n, NAME), ctx.seed());
        } else {
            if (n == 0) {
                throw new BadInputException(NAME + ": received no tokens");
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

    private Fit fit(float[] unit, double[] weight, int d, int k, long seed) {
        return kMeans(unit, weight, d, seeds(unit, d, weight.length, k, seed), new int[] {k}, iters)[0];
    }

    /**
     * Fits every size in [lo, hi] on the subsample and keeps the elbow's size. A fit's distortion over n tokens is
     * n times the mean over tokens of the distance to their centroid; an evenly spaced subsample of m tokens (spread
     * over every frame and position) gives each cluster about its share of members, so its fits find the same
     * centroids up to O(1/√m) noise and its curve is the full curve scaled by m/n, which leaves a clear elbow in
     * place. Only clusters of fewer than about n/m tokens can be missed; k = 12..32 codes of ~47k tokens are far
     * larger. A curve without a clear elbow has its largest second difference set by k-means++'s draws, on all
     * tokens as on the subsample.
     */
    private Fit adaptive(float[] unit, double[] weight, int d, int lo, int hi, long seed) {
        int n = weight.length;
        int m = sample == 0 ? n : Math.min(n, Math.max(sample, hi));
        float[] subUnit = unit;
        double[] subWeight = weight;
        if (m < n) {
            int[] rows = new int[m];
            subWeight = new double[m];
            for (int i = 0; i < m; i++) {
                rows[i] = (int) ((2L * i + 1) * n / (2L * m));
                subWeight[i] = weight[rows[i]];
            }
            subUnit = Similarity.gather(unit, d, rows);
        }
        // k-means++ picks its seeds one after another from one random stream, so the seeds of a smaller k are a
        // prefix of those of the largest: seeding once serves every candidate size.
        int[] seeds = seeds(subUnit, d, m, hi, seed);
        int[] sizes = new int[hi - lo + 1];
        for (int k = lo; k <= hi; k++) {
            sizes[k - lo] = k;
        }
        Fit[] fits = kMeans(subUnit, subWeight, d, seeds, sizes, iters);
        int best = 0;
        double bestCurvature = Double.NEGATIVE_INFINITY;
        for (int i = 1; i + 1 < fits.length; i++) {
            double curvature = fits[i - 1].distortion - 2 * fits[i].distortion + fits[i + 1].distortion;
            if (curvature > bestCurvature) {
                bestCurvature = curvature;
                best = i;
            }
        }
        // On all tokens the chosen fit is already the one a refit would give (same seeds prefix, same iterations).
        return m == n ? fits[best] : fit(unit, weight, d, sizes[best], seed);
    }

    /** Centroids (k×d, unit length or zero), each token's cluster, and the weighted cosine distortion. */
    record Fit(float[] centroids, int[] assign, double distortion) {
    }

    /**
     * Slack for float rounding in a computed cosine (|error| of a 1152-wide float dot of unit rows is far below),
     * so that bounds built from cosines hold for the exact values.
     */
    private static final double COS_SLACK = 1e-4;

    /**
     * k-means stops once the Frobenius norm of its centroids' move falls below this, VQToken's tol (its centroids
     * are the unnormalized means of unit tokens; these are their normalized directions).
     */
    private static final double TOL = 1e-4;

    /**
     * Weighted spherical k-means for several codebook sizes, size k starting from the first k seeds (one centroid
     * each). The sizes run in lockstep so that one GEMM per iteration assigns the tokens for all of them (a GEMM
     * against a single small codebook is too narrow to run fast); each stops on its own once its assignment stops
     * changing or its centroids move less than {@link #TOL} in all (VQToken's stop rule), or after {@code iters}.
     * Tokens whose nearest centroid provably cannot have changed are left out of the GEMM (Hamerly's bounds, "Making
     * k-means even faster", SDM 2010, on the chord distance √(2−2cos) between unit vectors): after the first
     * iterations most are. Every cluster is kept non-empty: an emptied cluster takes the point farthest from its
     * centroid among clusters of two or more.
     */
    static Fit[] kMeans(float[] unit, double[] weight, int d, int[] seeds, int[] sizes, int iters) {
        int n = weight.length;
        boolean[] zeroRow = new boolean[n];
        for (int t = 0; t < n; t++) {
            zeroRow[t] = Similarity.cosine(unit, t, t, d) == 0;
        }
        Run[] runs = new Run[sizes.length];
        for (int f = 0; f < sizes.length; f++) {
            runs[f] = new Run(Similarity.gather(unit, d, Arrays.copyOf(seeds, sizes[f])), sizes[f], n, d);
        }
        List<Run> active = new ArrayList<>(Arrays.asList(runs));
        for (int it = 0; it < iters && !active.isEmpty(); it++) {
            int[] rows = rowsToAssign(active, n);
            int[] bounds = new int[active.size() + 1];
            for (int g = 0; g < active.size(); g++) {
                bounds[g + 1] = bounds[g] + active.get(g).k;
            }
            float[] codebooks = new float[bounds[active.size()] * d];
            for (int g = 0; g < active.size(); g++) {
                System.arraycopy(active.get(g).centroids, 0, codebooks, bounds[g] * d, active.get(g).k * d);
            }
            int[][] nearest = new int[active.size()][rows.length];
            float[][] best = new float[active.size()][rows.length];
            float[][] second = new float[active.size()][rows.length];
            Similarity.bestMatches(rows.length == n ? unit : Similarity.gather(unit, d, rows), rows.length, codebooks,
                    bounds, d, nearest, best, second);
            for (int g = 0; g < active.size(); g++) {
                Run r = active.get(g);
                r.converged = true;
                for (int i = 0; i < rows.length; i++) {
                    int t = rows[i];
                    r.converged &= r.assign[t] == nearest[g][i];
                    r.assign[t] = nearest[g][i];
                    r.upper[t] = chord(best[g][i] - COS_SLACK);
                    r.lower[t] = r.k == 1 ? Double.POSITIVE_INFINITY : chord(second[g][i] + COS_SLACK);
                }
                int[] before = r.assign.clone();
                float[] old = r.centroids.clone();
                fillEmpty(unit, r.centroids, d, r.k, r.assign);
                for (int t = 0; t < n; t++) {
                    if (r.assign[t] != before[t]) {
                        r.upper[t] = Double.POSITIVE_INFINITY;
                    }
                }
                if (r.updateCentroids(unit, weight, zeroRow, d, old) < TOL) {
                    r.converged = true;
                }
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

    /** Tokens some active run must assign afresh: its bounds no longer prove the nearest centroid unchanged. */
    private static int[] rowsToAssign(List<Run> active, int n) {
        int[] rows = new int[n];
        int count = 0;
        for (int t = 0; t < n; t++) {
            for (Run r : active) {
                if (!(r.upper[t] < r.lower[t])) {
                    rows[count++] = t;
                    break;
                }
            }
        }
        return Arrays.copyOf(rows, count);
    }

    /** Chord distance between unit vectors of the given cosine (clamped to [-1, 1]). */
    private static double chord(double cos) {
        return Math.sqrt(2 - 2 * Math.max(-1, Math.min(1, cos)));
    }

    /**
     * One codebook size's k-means state: centroids, the assignment, the assignment the centroids were last fit to,
     * and per cluster the weighted sum of its members and how many of them are nonzero.
     */
    private static final class Run {
        final int k;
        final float[] centroids;
        final double[] sum;
        final int[] nonzero;
        /** Per token: at least the chord to its centroid, and at most the chord to any other (Hamerly). */
        final double[] upper;
        final double[] lower;
        int[] assign;
        int[] fitted;
        boolean converged;

        Run(float[] centroids, int k, int n, int d) {
            this.centroids = centroids;
            this.k = k;
            this.sum = new double[k * d];
            this.nonzero = new int[k];
            this.assign = new int[n];
            Arrays.fill(assign, -1);
            this.fitted = assign.clone();
            this.upper = new double[n];
            this.lower = new double[n];
            Arrays.fill(upper, Double.POSITIVE_INFINITY);
        }

        /**
         * Moves each centroid whose members changed to the normalized weighted sum of its members. The sums are
         * updated by the tokens that moved instead of summed afresh (after the first iterations few tokens move;
         * the two differ only in double rounding). A cluster of zero rows keeps its centroid, as a zero sum does.
         * Then widens every token's bounds by how far the centroids moved from {@code old}.
         *
         * @return the Frobenius norm of the centroids' move
         */
        double updateCentroids(float[] unit, double[] weight, boolean[] zeroRow, int d, float[] old) {
            boolean[] dirty = new boolean[k];
            for (int t = 0; t < assign.length; t++) {
                int from = fitted[t];
                int to = assign[t];
                if (to == from) {
                    continue;
                }
                if (from >= 0) {
                    move(unit, t, -weight[t], from, d);
                    nonzero[from] -= zeroRow[t] ? 0 : 1;
                    dirty[from] = true;
                }
                move(unit, t, weight[t], to, d);
                nonzero[to] += zeroRow[t] ? 0 : 1;
                dirty[to] = true;
            }
            for (int c = 0; c < k; c++) {
                if (!dirty[c] || nonzero[c] == 0) {
                    continue;
                }
                double ss = 0;
                for (int j = 0; j < d; j++) {
                    ss += sum[c * d + j] * sum[c * d + j];
                }
                if (ss == 0) {
                    continue;
                }
                double inv = 1 / Math.sqrt(ss);
                for (int j = 0; j < d; j++) {
                    centroids[c * d + j] = (float) (sum[c * d + j] * inv);
                }
            }
            fitted = assign.clone();
            double[] drift = new double[k];
            double maxDrift = 0;
            double moved = 0;
            for (int c = 0; c < k; c++) {
                double ss = 0;
                for (int j = 0; j < d; j++) {
                    double diff = (double) centroids[c * d + j] - old[c * d + j];
                    ss += diff * diff;
                }
                moved += ss;
                drift[c] = ss == 0 ? 0 : Math.sqrt(ss) * (1 + 1e-9);
                maxDrift = Math.max(maxDrift, drift[c]);
            }
            for (int t = 0; t < assign.length; t++) {
                upper[t] += drift[assign[t]];
                lower[t] -= maxDrift;
            }
            return Math.sqrt(moved);
        }

        private void move(float[] unit, int t, double w, int cluster, int d) {
            for (int j = 0; j < d; j++) {
                sum[cluster * d + j] += w * unit[t * d + j];
            }
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
