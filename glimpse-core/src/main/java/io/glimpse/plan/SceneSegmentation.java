package io.glimpse.plan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Scene cuts from d_i = 1 − cos(x_i, x_{i+1}) of consecutive frame descriptors (TDC, Hoar012/TDC-Video
 * {@code adapt_segment}). TOP_K: the K most dissimilar transitions (TDC: K = 24).
 * ADAPTIVE, no K: d_i > median + sensitivity·1.4826·MAD of the pairs within ±window, and d_i ≥ minDissimilarity.
 * A transition (a fade's run of raised d, gaps ≤ nmsRadius) gives one cut at its d-weighted centre; of two cuts
 * closer than minSceneLength the weaker goes. Defaults: K 24, sensitivity 5, window 15, minDissimilarity 0.01
 * (fades longer than ~5 sampled frames stay below it), nmsRadius 2, minSceneLength 2.
 */
public final class SceneSegmentation {
    public enum Mode { TOP_K, ADAPTIVE }

    private static final double MAD_TO_SIGMA = 1.4826;

    private final Mode mode;
    private final int k;
    private final double sensitivity;
    private final int window;
    private final double minDissimilarity;
    private final int nmsRadius;
    private final int minSceneLength;

    public SceneSegmentation(Mode mode, int k, double sensitivity, int window, double minDissimilarity,
                             int nmsRadius, int minSceneLength) {
        if (k < 0 || window < 1 || nmsRadius < 0 || minSceneLength < 1
                || !(sensitivity >= 0) || !(minDissimilarity >= 0) || Double.isInfinite(sensitivity)) {
            throw new IllegalArgumentException("scene segmentation needs k >= 0, window >= 1, nmsRadius >= 0,"
                    + " minSceneLength >= 1 and finite non-negative sensitivity and minDissimilarity");
        }
        this.mode = mode;
        this.k = k;
        this.sensitivity = sensitivity;
        this.window = window;
        this.minDissimilarity = minDissimilarity;
        this.nmsRadius = nmsRadius;
        this.minSceneLength = minSceneLength;
    }

    /** Adaptive mode with the defaults. */
    public static SceneSegmentation adaptive() {
        return new SceneSegmentation(Mode.ADAPTIVE, 24, 5.0, 15, 0.01, 2, 2);
    }

    /** TDC's rule: the {@code k} most dissimilar transitions, other parameters at their defaults. */
    public static SceneSegmentation topK(int k) {
        return new SceneSegmentation(Mode.TOP_K, k, 5.0, 15, 0.01, 2, 2);
    }

    public Scenes segment(List<Candidate> frames) {
        int n = frames.size();
        double[] times = new double[n];
        for (int i = 0; i < n; i++) {
            times[i] = frames.get(i).timestamp();
        }
        double[] d = Descriptors.consecutiveDissimilarity(frames);
        List<Transition> found = mode == Mode.TOP_K ? strongest(d) : aboveThreshold(d);
        found.sort(Comparator.comparingDouble(Transition::peak).reversed().thenComparingInt(Transition::cut));
        List<Integer> accepted = new ArrayList<>();
        for (Transition t : found) {
            if (mode == Mode.TOP_K && accepted.size() == k) {
                break;
            }
            if (keepsScenesLong(t.cut(), accepted, n)) {
                accepted.add(t.cut());
            }
        }
        int[] cuts = accepted.stream().mapToInt(Integer::intValue).sorted().toArray();
        return Scenes.fromCuts(n, cuts, times);
    }

    /** A transition: the frame its cut goes before, and its strongest pair's dissimilarity. */
    private record Transition(int cut, double peak) {
    }

    /** TOP_K: repeatedly take the most dissimilar uncovered pair and grow its transition while d ≥ peak/2. */
    private List<Transition> strongest(double[] d) {
        Integer[] order = new Integer[d.length];
        for (int i = 0; i < d.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> d[i]).reversed().thenComparingInt(i -> i));
        boolean[] covered = new boolean[d.length];
        List<Transition> out = new ArrayList<>();
        for (int p : order) {
            if (covered[p] || d[p] <= 0) {
                continue;
            }
            int lo = p;
            int hi = p;
            while (lo > 0 && !covered[lo - 1] && d[lo - 1] >= d[p] / 2) {
                lo--;
            }
            while (hi < d.length - 1 && !covered[hi + 1] && d[hi + 1] >= d[p] / 2) {
                hi++;
            }
            Arrays.fill(covered, Math.max(0, lo - nmsRadius), Math.min(d.length, hi + nmsRadius + 1), true);
            out.add(new Transition(centre(d, null, lo, hi), d[p]));
        }
        return out;
    }

    /** ADAPTIVE: pairs above their local robust threshold, grouped into runs whose gaps are ≤ nmsRadius. */
    private List<Transition> aboveThreshold(double[] d) {
        double[] median = new double[d.length];
        boolean[] raised = new boolean[d.length];
        for (int i = 0; i < d.length; i++) {
            int lo = Math.max(0, i - window);
            int hi = Math.min(d.length, i + window + 1);
            double[] w = Arrays.copyOfRange(d, lo, hi);
            double med = median(w);
            for (int j = 0; j < w.length; j++) {
                w[j] = Math.abs(w[j] - med);
            }
            median[i] = med;
            raised[i] = d[i] >= minDissimilarity && d[i] > med + sensitivity * MAD_TO_SIGMA * median(w);
        }
        List<Transition> out = new ArrayList<>();
        int i = 0;
        while (i < d.length) {
            if (!raised[i]) {
                i++;
                continue;
            }
            int lo = i;
            int hi = i;
            for (int j = i + 1; j < d.length && j <= hi + nmsRadius + 1; j++) {
                if (raised[j]) {
                    hi = j;
                }
            }
            double peak = 0;
            for (int j = lo; j <= hi; j++) {
                peak = Math.max(peak, d[j]);
            }
            out.add(new Transition(centre(d, median, lo, hi), peak));
            i = hi + 1;
        }
        return out;
    }

    /** Cut for the run of pairs [lo, hi]: its centre weighted by how far each d rises above base (0 if null). */
    private static int centre(double[] d, double[] base, int lo, int hi) {
        double wsum = 0;
        double psum = 0;
        for (int j = lo; j <= hi; j++) {
            double w = Math.max(0, d[j] - (base == null ? 0 : base[j]));
            wsum += w;
            psum += w * (j + 0.5);
        }
        return cutAt(wsum > 0 ? psum / wsum : (lo + hi + 1) / 2.0, d.length);
    }

    /** The frame after position {@code p} on the pair axis (pair i sits at i + 0.5). */
    private static int cutAt(double p, int pairs) {
        return Math.min(pairs, Math.max(1, (int) Math.floor(p) + 1));
    }

    private boolean keepsScenesLong(int cut, List<Integer> accepted, int n) {
        if (cut < minSceneLength || n - cut < minSceneLength) {
            return false;
        }
        for (int c : accepted) {
            if (Math.abs(c - cut) < minSceneLength) {
                return false;
            }
        }
        return true;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int m = s.length / 2;
        return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
    }
}
