package io.glimpse.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Scene cuts from what changed patch by patch between consecutive frames, for candidates that carry a
 * {@link FrameLook}.
 *
 * <p>Score: s_i = {@link PatchChange#share} of frames i and i+1, the share of cells with no similar cell within
 * radius cells (PySceneDetect's content detector scores a weighted per-pixel HSV and edge delta,
 * scenedetect/detectors/content_detector.py; here each cell's colour and edge statistics play that part, and the
 * neighbourhood search keeps pans low). Two shots of one palette differ in layout, so many of their cells change;
 * a person walking through a still shot changes a few.
 *
 * <p>Rule: twin comparison (Zhang, Kankanhalli and Smoliar, "Automatic partitioning of full-motion video",
 * Multimedia Systems 1993). Blank frames ({@link FrameLook#blank}) are set aside and the shown frames either side
 * compared directly. Pairs with s ≥ low, or spanning blank frames, form runs. In a run:
 * <ul>
 *   <li>a fade through black (frames darkening into the black, brightening after it, within maxTransition
 *       seconds) is one cut, at the first black frame, if the shots either side differ by ≥ cut;</li>
 *   <li>otherwise every pair with s ≥ cut is a hard cut, except that two in a row are one when the frame between
 *       is a mix of its neighbours (a dissolve caught mid-way) or darker than both (a fade);</li>
 *   <li>a run without such a pair, no longer than maxTransition, is a dissolve: one cut before the frame after its
 *       highest pair, if its ends differ by ≥ cut;</li>
 *   <li>a run of one or two pairs whose ends match is a flash or a glance away: no cut.</li>
 * </ul>
 * The rule needs no statistics over many pairs, so it works on a dozen candidates (a short clip at 1 fps), unlike
 * a median+MAD window; a black leader opens the first scene rather than making one.
 *
 * <p>ADAPTIVE also asks a cut's score to be ≥ ratio × the mean score of the window pairs either side
 * (PySceneDetect's adaptive detector, adaptive_threshold 3 and window_width 2 there,
 * scenedetect/detectors/adaptive_detector.py), which rejects cuts inside sustained motion at the cost of cuts
 * between short shots; with no neighbours the check is skipped.
 *
 * <p>Defaults, chosen on the generated suite (io.glimpse.media.SceneSuite) at 1 and 4 fps: radius 2 cells,
 * tolerance 0.03, low 0.15, cut 0.3, maxTransition 3 s, ratio 2, window 2.
 */
public final class PatchSceneDetection {
    public enum Rule { CONTENT, ADAPTIVE }

    public static final int DEFAULT_RADIUS = 2;
    public static final double DEFAULT_TOLERANCE = 0.03;
    public static final double DEFAULT_LOW = 0.15;
    public static final double DEFAULT_CUT = 0.3;
    public static final double DEFAULT_MAX_TRANSITION = 3.0;
    public static final double DEFAULT_RATIO = 2.0;
    public static final int DEFAULT_WINDOW = 2;

    /** A mix has at least this share of either shot. */
    private static final double MIX_MIN = 0.15;
    /** A mix deviates from the line between its shots by at most this fraction of their distance. */
    private static final double MIX_RESIDUAL = 0.6;
    /** A frame of a fade is at most this bright relative to the brighter of its neighbours. */
    private static final double DIM = 0.75;

    private final Rule rule;
    private final int radius;
    private final double tolerance;
    private final double low;
    private final double cut;
    private final double maxTransition;
    private final double ratio;
    private final int window;

    public PatchSceneDetection(Rule rule, int radius, double tolerance, double low, double cut, double maxTransition,
                               double ratio, int window) {
        if (rule == null || radius < 0 || !(tolerance >= 0) || !(low >= 0 && low <= cut && cut <= 1)
                || !(maxTransition > 0) || !(ratio >= 0) || window < 1) {
            throw new IllegalArgumentException("patch scene detection needs radius >= 0, tolerance >= 0,"
                    + " 0 <= low <= cut <= 1, maxTransition > 0, ratio >= 0 and window >= 1");
        }
        this.rule = rule;
        this.radius = radius;
        this.tolerance = tolerance;
        this.low = low;
        this.cut = cut;
        this.maxTransition = maxTransition;
        this.ratio = ratio;
        this.window = window;
    }

    /** The content rule with the defaults and the given cut threshold. */
    public static PatchSceneDetection content(double cut) {
        return new PatchSceneDetection(Rule.CONTENT, DEFAULT_RADIUS, DEFAULT_TOLERANCE, Math.min(DEFAULT_LOW, cut),
                cut, DEFAULT_MAX_TRANSITION, DEFAULT_RATIO, DEFAULT_WINDOW);
    }

    /** The adaptive rule with the defaults and the given cut threshold. */
    public static PatchSceneDetection adaptive(double cut) {
        return new PatchSceneDetection(Rule.ADAPTIVE, DEFAULT_RADIUS, DEFAULT_TOLERANCE, Math.min(DEFAULT_LOW, cut),
                cut, DEFAULT_MAX_TRANSITION, DEFAULT_RATIO, DEFAULT_WINDOW);
    }

    public static PatchSceneDetection defaults() {
        return content(DEFAULT_CUT);
    }

    /**
     * Scenes and the score of every consecutive pair.
     *
     * @param pairScores s_i for frames i and i+1, n − 1 values
     * @param blank      whether each frame is blank
     */
    public record Detection(Scenes scenes, double[] pairScores, boolean[] blank) {
    }

    public Scenes segment(List<Candidate> frames) {
        return detect(frames).scenes();
    }

    public Detection detect(List<Candidate> frames) {
        int n = frames.size();
        FrameLook[] looks = new FrameLook[n];
        double[] times = new double[n];
        boolean[] blank = new boolean[n];
        for (int i = 0; i < n; i++) {
            looks[i] = frames.get(i).look();
            if (looks[i] == null) {
                throw new IllegalArgumentException("frame " + i + " carries no frame look to compare patch by patch");
            }
            times[i] = frames.get(i).timestamp();
            blank[i] = looks[i].blank();
        }
        double[] s = new double[Math.max(0, n - 1)];
        for (int i = 0; i < s.length; i++) {
            s[i] = PatchChange.share(looks[i], looks[i + 1], radius, tolerance);
        }
        // Blank frames are set aside: a pair of shown frames either side of black (or a flat flash) is compared
        // directly, so a fade through black is one transition and a leader opens the first scene.
        int[] shown = IntStream.range(0, n).filter(i -> !blank[i]).toArray();
        double[] score = new double[Math.max(0, shown.length - 1)];
        for (int j = 0; j < score.length; j++) {
            score[j] = shown[j + 1] == shown[j] + 1 ? s[shown[j]]
                    : PatchChange.share(looks[shown[j]], looks[shown[j + 1]], radius, tolerance);
        }
        List<Integer> cuts = new ArrayList<>();
        int j = 0;
        while (j < score.length) {
            if (score[j] < low && !throughBlank(shown, j)) {
                j++;
                continue;
            }
            int lo = j;
            while (j < score.length && (score[j] >= low || throughBlank(shown, j))) {
                j++;
            }
            transition(looks, times, shown, score, lo, j - 1, cuts);
        }
        int[] sorted = cuts.stream().mapToInt(Integer::intValue).distinct().sorted().toArray();
        return new Detection(Scenes.fromCuts(n, sorted, times), s, blank);
    }

    private static boolean throughBlank(int[] shown, int pair) {
        return shown[pair + 1] > shown[pair] + 1;
    }

    /**
     * Adds the cuts of the run of raised pairs [lo, hi] of shown frames. Pairs scoring ≥ cut are hard cuts,
     * except that two in a row are one transition when the frame between them is a blend of its neighbours (a
     * dissolve sampled mid-way); a run without one is a gradual transition, cut at its peak pair if its ends
     * differ by ≥ cut. A short run whose ends match is a flash or a glance away: no cut.
     */
    private void transition(FrameLook[] looks, double[] times, int[] shown, double[] score, int lo, int hi,
                            List<Integer> cuts) {
        FrameLook first = looks[shown[lo]];
        FrameLook last = looks[shown[hi + 1]];
        double change = PatchChange.share(first, last, radius, tolerance);
        if (hi - lo < 2 && change < cut) {
            return;
        }
        boolean gradual = times[shown[hi + 1]] - times[shown[lo]] <= maxTransition;
        int firstBlank = -1;
        for (int p = hi; p >= lo; p--) {
            firstBlank = throughBlank(shown, p) ? p : firstBlank;
        }
        if (gradual && firstBlank >= 0 && fadesThrough(looks, shown, lo, hi, firstBlank)) {
            // A fade through black: its dimming and brightening frames are one transition with the black.
            if (change >= cut) {
                cuts.add(shown[firstBlank] + 1);
            }
            return;
        }
        List<Integer> hard = new ArrayList<>();
        for (int p = lo; p <= hi; p++) {
            if (score[p] < cut || !standsOut(score[p], score, p, p)) {
                continue;
            }
            int previous = hard.isEmpty() ? -2 : hard.get(hard.size() - 1);
            FrameLook before = looks[shown[p - 1 < 0 ? 0 : p - 1]];
            FrameLook middle = looks[shown[p]];
            FrameLook after = looks[shown[p + 1]];
            if (previous == p - 1 && (blend(before, middle, after) || dim(middle, before, after))) {
                if (score[p] > score[previous]) {
                    hard.set(hard.size() - 1, p);
                }
                continue;
            }
            hard.add(p);
        }
        if (!hard.isEmpty()) {
            hard.forEach(p -> cuts.add(throughBlank(shown, p) ? shown[p] + 1 : shown[p + 1]));
            return;
        }
        if (!gradual || change < cut || !standsOut(change, score, lo, hi)) {
            return;
        }
        int peak = lo;
        for (int p = lo + 1; p <= hi; p++) {
            peak = score[p] > score[peak] ? p : peak;
        }
        cuts.add(shown[peak + 1]);
    }

    /**
     * Whether m is a mix of a and b (a dissolve caught part-way): m − b ≈ α·(a − b) cell by cell with α well
     * inside (0, 1) and a residual small against a − b. A third shot close to one of them gives α near 0 or 1,
     * or change in directions a − b does not explain.
     */
    private static boolean blend(FrameLook a, FrameLook m, FrameLook b) {
        float[] x = a.cells();
        float[] y = m.cells();
        float[] z = b.cells();
        double span = 0;
        double along = 0;
        for (int k = 0; k < x.length; k++) {
            span += (double) (x[k] - z[k]) * (x[k] - z[k]);
            along += (double) (y[k] - z[k]) * (x[k] - z[k]);
        }
        if (span == 0) {
            return false;
        }
        double alpha = along / span;
        double residual = 0;
        for (int k = 0; k < x.length; k++) {
            double r = (y[k] - z[k]) - alpha * (x[k] - z[k]);
            residual += r * r;
        }
        return alpha >= MIX_MIN && alpha <= 1 - MIX_MIN && residual <= MIX_RESIDUAL * MIX_RESIDUAL * span;
    }

    /**
     * Whether the run [lo, hi] is one fade through the black between shown frames blankPair and blankPair + 1:
     * each frame darker than the one before up to the black, each brighter than the one before after it, and
     * no other black inside the run.
     */
    private static boolean fadesThrough(FrameLook[] looks, int[] shown, int lo, int hi, int blankPair) {
        for (int p = lo; p <= hi; p++) {
            double from = looks[shown[p]].brightness();
            double to = looks[shown[p + 1]].brightness();
            if (p < blankPair ? !(to < from) : p > blankPair ? !(to > from) || throughBlank(shown, p) : false) {
                return false;
            }
        }
        return true;
    }

    /** Whether m is darker than both a and b by a quarter: a frame of a fade. */
    private static boolean dim(FrameLook m, FrameLook a, FrameLook b) {
        return m.brightness() < DIM * Math.max(a.brightness(), b.brightness());
    }

    /** ADAPTIVE: the change is ratio times the mean score of the window pairs either side of [lo, hi]. */
    private boolean standsOut(double change, double[] s, int lo, int hi) {
        if (rule == Rule.CONTENT) {
            return true;
        }
        double sum = 0;
        int count = 0;
        for (int p = Math.max(0, lo - window); p < lo; p++) {
            sum += s[p];
            count++;
        }
        for (int p = hi + 1; p <= Math.min(s.length - 1, hi + window); p++) {
            sum += s[p];
            count++;
        }
        return count == 0 || change >= ratio * (sum / count);
    }
}
