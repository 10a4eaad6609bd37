package io.glimpse.plan;

/**
 * A frame the planner may choose: when it is, how large it is, and what it looks like. The descriptor is a
 * per-frame feature vector (the PatchStats encoder's L2-normalised frame descriptor); the planner only ever
 * compares descriptors by cosine similarity, so their scale does not matter.
 *
 * @param timestamp  source time in seconds
 * @param width      native width in pixels
 * @param height     native height in pixels
 * @param descriptor frame descriptor, finite and not all zero
 * @param look       the frame region by region, or null when only the descriptor is known (then scenes and
 *                   repeats are judged from descriptors alone)
 */
public record Candidate(double timestamp, int width, int height, float[] descriptor, FrameLook look) {
    /** A candidate known by its descriptor only. */
    public Candidate(double timestamp, int width, int height, float[] descriptor) {
        this(timestamp, width, height, descriptor, null);
    }

    public Candidate {
        if (!Double.isFinite(timestamp)) {
            throw new IllegalArgumentException("frame timestamp must be finite, got " + timestamp);
        }
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("frame size must be positive, got " + width + "x" + height);
        }
        if (descriptor == null || descriptor.length == 0) {
            throw new IllegalArgumentException("frame at " + timestamp + " s has no descriptor");
        }
        double norm = 0;
        for (float v : descriptor) {
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("frame at " + timestamp + " s has a non-finite descriptor");
            }
            norm += (double) v * v;
        }
        if (norm == 0) {
            throw new IllegalArgumentException("frame at " + timestamp + " s has an all-zero descriptor");
        }
    }
}
