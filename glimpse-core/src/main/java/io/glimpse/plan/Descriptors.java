package io.glimpse.plan;

import io.glimpse.tensor.VectorOps;
import java.util.List;

/** Cosine similarity and means of frame descriptors, shared by the planning methods. */
final class Descriptors {
    private static final VectorOps OPS = VectorOps.get();

    private Descriptors() {
    }

    static double cosine(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("frame descriptors differ in length: " + a.length + " vs " + b.length);
        }
        return VectorOps.cosine(a, 0, b, 0, a.length);
    }

    /** Mean descriptor of frames [from, to). */
    static float[] mean(List<Candidate> frames, int from, int to) {
        float[] m = new float[frames.get(from).descriptor().length];
        for (int i = from; i < to; i++) {
            OPS.axpy(1.0f, frames.get(i).descriptor(), 0, m, 0, m.length);
        }
        return m;
    }

    /** Index in [from, to) of the frame whose descriptor is most similar to the mean of that run. */
    static int mostTypical(List<Candidate> frames, int from, int to) {
        float[] m = mean(frames, from, to);
        int best = from;
        double bestSim = Double.NEGATIVE_INFINITY;
        for (int i = from; i < to; i++) {
            double s = cosine(frames.get(i).descriptor(), m);
            if (s > bestSim) {
                bestSim = s;
                best = i;
            }
        }
        return best;
    }

    /** 1 − cos between each frame and the next: n − 1 values, element i for the pair (i, i+1). */
    static double[] consecutiveDissimilarity(List<Candidate> frames) {
        double[] d = new double[Math.max(0, frames.size() - 1)];
        for (int i = 0; i < d.length; i++) {
            d[i] = 1.0 - cosine(frames.get(i).descriptor(), frames.get(i + 1).descriptor());
        }
        return d;
    }
}
