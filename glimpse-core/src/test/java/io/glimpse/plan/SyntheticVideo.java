package io.glimpse.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Descriptor sequences with known scene boundaries: piecewise-constant scenes plus noise, hard cuts or fades. */
final class SyntheticVideo {
    static final int DIM = 32;

    final List<Candidate> frames = new ArrayList<>();
    /** Index of the first frame of every scene after the first (for a fade: its first frame past the middle). */
    final List<Integer> truth = new ArrayList<>();
    private final Random rng;
    private final double noise;
    private final float[] common;
    private float[] scene;

    SyntheticVideo(long seed, double noise) {
        this.rng = new Random(seed);
        this.noise = noise;
        this.common = gaussian();
        this.scene = newScene();
    }

    /** {@code n} frames of the current scene. */
    SyntheticVideo hold(int n) {
        for (int i = 0; i < n; i++) {
            add(scene);
        }
        return this;
    }

    /** A hard cut to a new scene. */
    SyntheticVideo cut() {
        scene = newScene();
        truth.add(frames.size());
        return this;
    }

    /** A linear blend to a new scene over {@code blended} frames (alpha = k/(blended+1), k = 1..blended). */
    SyntheticVideo fade(int blended) {
        float[] next = newScene();
        truth.add(frames.size() + (blended + 2) / 2 - 1);
        for (int k = 1; k <= blended; k++) {
            double a = (double) k / (blended + 1);
            float[] mix = new float[DIM];
            for (int j = 0; j < DIM; j++) {
                mix[j] = (float) ((1 - a) * scene[j] + a * next[j]);
            }
            add(mix);
        }
        scene = next;
        return this;
    }

    private void add(float[] base) {
        float[] v = new float[DIM];
        for (int j = 0; j < DIM; j++) {
            v[j] = (float) (base[j] + noise * rng.nextGaussian());
        }
        frames.add(new Candidate(frames.size(), 640, 360, normalised(v)));
    }

    /** Scenes share a common component, so neighbouring scenes have cosine ≈ 0.5 rather than ≈ 0. */
    private float[] newScene() {
        float[] g = gaussian();
        float[] v = new float[DIM];
        for (int j = 0; j < DIM; j++) {
            v[j] = common[j] + g[j];
        }
        return normalised(v);
    }

    private float[] gaussian() {
        float[] g = new float[DIM];
        for (int j = 0; j < DIM; j++) {
            g[j] = (float) rng.nextGaussian();
        }
        return normalised(g);
    }

    static float[] normalised(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        float inv = (float) (1 / Math.sqrt(s));
        float[] out = new float[v.length];
        for (int j = 0; j < v.length; j++) {
            out[j] = v[j] * inv;
        }
        return out;
    }
}
