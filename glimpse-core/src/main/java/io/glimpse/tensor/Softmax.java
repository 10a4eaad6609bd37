package io.glimpse.tensor;

/** Numerically stable softmax: subtract the maximum, exponentiate, normalise, as torch.softmax does in float32. */
public final class Softmax {
    private static final VectorOps OPS = VectorOps.get();

    private Softmax() {
    }

    /** Replaces x[offset .. offset+length) with its softmax; length must be positive. */
    public static void inPlace(float[] x, int offset, int length) {
        if (length <= 0) {
            throw new IllegalArgumentException("softmax over " + length + " values");
        }
        float max = OPS.max(x, offset, length);
        float inv = 1f / OPS.expShifted(x, offset, length, max);
        for (int i = offset; i < offset + length; i++) {
            x[i] *= inv;
        }
    }
}
