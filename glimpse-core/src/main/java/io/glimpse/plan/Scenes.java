package io.glimpse.plan;

import java.util.Arrays;

/**
 * A split of a frame sequence into scenes.
 *
 * @param sceneOf  scene id of each frame, 0-based and non-decreasing
 * @param cuts     index of the first frame of every scene after the first, ascending
 * @param cutTimes timestamp of those frames in seconds
 */
public record Scenes(int[] sceneOf, int[] cuts, double[] cutTimes) {
    /** Scenes of {@code n} frames with the given timestamps, cut before each index in {@code cuts} (ascending). */
    static Scenes fromCuts(int n, int[] cuts, double[] timestamps) {
        int[] sceneOf = new int[n];
        double[] times = new double[cuts.length];
        int scene = 0;
        for (int i = 0, c = 0; i < n; i++) {
            if (c < cuts.length && cuts[c] == i) {
                times[c] = timestamps[i];
                scene++;
                c++;
            }
            sceneOf[i] = scene;
        }
        return new Scenes(sceneOf, cuts.clone(), times);
    }

    public int count() {
        return cuts.length + 1;
    }

    /** First frame of scene {@code s}. */
    public int start(int s) {
        return s == 0 ? 0 : cuts[s - 1];
    }

    /** One past the last frame of scene {@code s}. */
    public int end(int s) {
        return s == cuts.length ? sceneOf.length : cuts[s];
    }

    @Override
    public String toString() {
        return "Scenes" + Arrays.toString(cuts);
    }
}
