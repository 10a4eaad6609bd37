package io.glimpse.reduce;

import io.glimpse.tensor.Gemm;
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

    public static final ReducerMethod METHOD = ReducerMethod.of(NAME, Site.POOLED,
            "ToDRE diversity selection: greedy k-center (or max-sum) on cosine distance, optional relevance weights",
            spec -> new KCenterSelect(spec.budget(), Variant.valueOf(spec.choice("variant").toUpperCase(Locale.ROOT)),
                    spec.real("relevance")),
            ParamDef.keep(0.25),
            ParamDef.count(),
            ParamDef.choice("variant", "kcenter", "kcenter = farthest point, maxsum = max-sum diversity",
                    "kcenter", "maxsum"),
            ParamDef.real("relevance", 0, 1, 0.5, "weight of query relevance in the choice (when the context has one)"));

    /**
     * Greedy steps attempted per pass over all tokens, and the candidates whose run predicts them (the larger the
     * pool, the longer a prediction lasts, at the cost of its pool×pool Gram matrix).
     */
    private static final int BATCH = 256;
    private static final int POOL = 4 * BATCH;
    /** Tokens per GEMM call when computing a batch's cosines: the transposed block stays in cache. */
    private static final int ROW_BLOCK = 1024;

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
        boolean[] chosen = new boolean[n];
        // Before the first centre every candidate is "infinitely" far (k-center) or has summed nothing (max-sum),
        // so the first update leaves exactly 1 − cos to the pivot in both variants.
        double[] dist = new double[n];
        Arrays.fill(dist, variant == Variant.KCENTER ? Double.POSITIVE_INFINITY : 0);
        int[] keep = new int[k];
        int count = 0;
        int next = pivot(unit, n, d, weight);
        float[] cos = new float[Math.min(BATCH, k) * n];
        while (count < k) {
            int[] batch = count == 0 ? new int[] {next}
                    : predict(unit, d, dist, weight, chosen, next, Math.min(BATCH, k - count));
            cosines(unit, n, d, batch, cos);
            // Replay the greedy steps exactly; the batch is only a guess, so stop at the first step it got wrong.
            for (int j = 0; j < batch.length && batch[j] == next && count < k; j++) {
                keep[count++] = next;
                chosen[next] = true;
                next = update(cos, j * n, dist, weight, chosen);
            }
        }
        return in.selectInOrder(keep);
    }

    /**
     * cos[j·n + v] = cosine of centre batch[j] and token v. The GEMM takes the tokens as its long side (about twice
     * as fast as the centres would be) in row blocks, each transposed while cache-hot, so that every greedy step
     * then scans one contiguous row.
     */
    private static void cosines(float[] unit, int n, int d, int[] batch, float[] cos) {
        int b = batch.length;
        float[] centres = Similarity.gather(unit, d, batch);
        float[] block = new float[Math.min(ROW_BLOCK, n) * b];
        for (int start = 0; start < n; start += ROW_BLOCK) {
            int rows = Math.min(ROW_BLOCK, n - start);
            Gemm.get().multiplyTransposed(rows, b, d, unit, start * d, centres, 0, block, 0);
            for (int v = 0; v < rows; v++) {
                for (int j = 0; j < b; j++) {
                    cos[j * n + start + v] = block[v * b + j];
                }
            }
        }
    }

    /** Folds one centre's cosines into every unchosen candidate's distance; returns the next centre (-1 if none). */
    private int update(float[] cos, int offset, double[] dist, double[] weight, boolean[] chosen) {
        int next = -1;
        double best = Double.NEGATIVE_INFINITY;
        for (int v = 0; v < dist.length; v++) {
            if (chosen[v]) {
                continue;
            }
            double dv = 1.0 - Math.max(-1f, Math.min(1f, cos[offset + v]));
            dist[v] = variant == Variant.KCENTER ? Math.min(dist[v], dv) : dist[v] + dv;
            double score = weight[v] * dist[v];
            if (score > best) {
                best = score;
                next = v;
            }
        }
        return next;
    }

    /**
     * The greedy picks that probably follow {@code next}: the greedy run inside a pool of the best-scoring
     * candidates, using their mutual cosines. Computing one centre per pass over all N rows would be memory-bound
     * (one GEMV per centre); with a good guess of the next picks one GEMM serves many steps. The run stops where
     * a candidate outside the pool could win, since the pool says nothing about those (for k-center, whose scores
     * only fall, the guess up to there is right but for float rounding; for max-sum it is a heuristic).
     */
    private int[] predict(float[] unit, int d, double[] dist, double[] weight, boolean[] chosen, int next, int most) {
        // Candidates ranked by score (as float, ties to the lower index): a guess needs no more precision.
        long[] keys = new long[dist.length];
        int live = 0;
        for (int v = 0; v < dist.length; v++) {
            if (!chosen[v] && v != next) {
                keys[live++] = (long) Float.floatToIntBits((float) (weight[v] * dist[v])) << 32 | (~v & 0xFFFFFFFFL);
            }
        }
        Arrays.sort(keys, 0, live);
        int size = Math.min(live, POOL - 1) + 1;
        int[] pool = new int[size];
        pool[0] = next;
        for (int i = 1; i < size; i++) {
            pool[i] = ~(int) keys[live - i];
        }
        Arrays.sort(pool);
        double outside = live >= size ? Float.intBitsToFloat((int) (keys[live - size] >>> 32)) : Double.NEGATIVE_INFINITY;
        float[] gram = new float[size * size];
        float[] rows = Similarity.gather(unit, d, pool);
        Gemm.get().multiplyTransposed(size, size, d, rows, 0, rows, 0, gram, 0);
        double[] simDist = new double[size];
        boolean[] taken = new boolean[size];
        int cur = Arrays.binarySearch(pool, next);
        for (int i = 0; i < size; i++) {
            simDist[i] = dist[pool[i]];
        }
        int[] guess = new int[most];
        int count = 0;
        while (true) {
            guess[count++] = pool[cur];
            taken[cur] = true;
            if (count == most) {
                break;
            }
            int best = -1;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < size; i++) {
                if (taken[i]) {
                    continue;
                }
                double dv = 1.0 - Math.max(-1f, Math.min(1f, gram[cur * size + i]));
                simDist[i] = variant == Variant.KCENTER ? Math.min(simDist[i], dv) : simDist[i] + dv;
                double score = weight[pool[i]] * simDist[i];
                if (score > bestScore) {
                    bestScore = score;
                    best = i;
                }
            }
            if (best < 0 || bestScore < outside) {
                break;
            }
            cur = best;
        }
        return Arrays.copyOf(guess, count);
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
