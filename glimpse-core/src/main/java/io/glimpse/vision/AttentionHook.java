package io.glimpse.vision;

/**
 * Accumulates one layer's head-mean CLS→token attention and the mean attention each token receives from the patch
 * queries (and from all queries, CLS included), one head's t×t map at a time, keeping all heads' maps only when asked.
 * After in-encoder merging a query token counts as many times as the patches it stands for.
 */
final class AttentionHook {
    private final int heads;
    private final int t;
    private final int first;
    private final double[][] cls;
    private final double[][] received;
    private final float[] size;
    final float[] full;

    /** @param size patches (CLS included) each of the t tokens stands for, or null when nothing is merged */
    AttentionHook(int heads, int t, int first, boolean keepFull, float[] size) {
        this.size = size;
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
            double weight = size == null ? 1.0 : size[i];
            for (int j = first; j < t; j++) {
                r[j - first] += weight * probs[i * t + j];
            }
        }
    }

    float[] cls() {
        return headMean(cls, heads);
    }

    float[] received() {
        double queries = 0;
        for (int i = first; i < t; i++) {
            queries += size == null ? 1.0 : size[i];
        }
        return headMean(received, heads * queries);
    }

    /**
     * The mean over every query, CLS included: HiPrune's {@code attn.mean(1).mean(1)[:, 1:]}; with no CLS, the same
     * as {@link #received}. Under merging the CLS counts once, each patch query by its size.
     */
    float[] global() {
        if (first == 0) {
            return received();
        }
        double queries = 1;
        for (int i = first; i < t; i++) {
            queries += size == null ? 1.0 : size[i];
        }
        double[][] sum = new double[heads][t - first];
        for (int h = 0; h < heads; h++) {
            for (int j = 0; j < t - first; j++) {
                sum[h][j] = received[h][j] + cls[h][j];
            }
        }
        return headMean(sum, heads * queries);
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
