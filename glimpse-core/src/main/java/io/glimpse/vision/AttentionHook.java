package io.glimpse.vision;

/**
 * Accumulates one layer's head-mean CLS→patch attention and the mean attention each patch receives from the
 * patches, one head's t×t map at a time, keeping all heads' maps only when asked.
 */
final class AttentionHook {
    private final int heads;
    private final int t;
    private final int first;
    private final double[][] cls;
    private final double[][] received;
    final float[] full;

    AttentionHook(int heads, int t, int first, boolean keepFull) {
        this.heads = heads;
        this.t = t;
        this.first = first;
        this.cls = new double[heads][t - first];
        this.received = new double[heads][t - first];
        this.full = keepFull ? new float[heads * t * t] : null;
    }

    /** Head h's t×t map; heads may arrive concurrently, each writes only its own slots. */
    void add(int h, float[] probs) {
        if (full != null) {
            System.arraycopy(probs, 0, full, h * t * t, t * t);
        }
        if (first == 1) {
            for (int j = 1; j < t; j++) {
                cls[h][j - 1] = probs[j];
            }
        }
        double[] r = received[h];
        for (int i = first; i < t; i++) {
            for (int j = first; j < t; j++) {
                r[j - first] += probs[i * t + j];
            }
        }
    }

    float[] cls() {
        return headMean(cls, heads);
    }

    float[] received() {
        return headMean(received, (double) heads * (t - first));
    }

    /** Sums the heads in a fixed order, so the result does not depend on which thread finished first. */
    private static float[] headMean(double[][] perHead, double divisor) {
        float[] out = new float[perHead[0].length];
        for (int j = 0; j < out.length; j++) {
            double s = 0;
            for (double[] head : perHead) {
                s += head[j];
            }
            out[j] = (float) (s / divisor);
        }
        return out;
    }
}
