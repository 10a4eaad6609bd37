package io.glimpse.plan;

/**
 * The share of a frame's cells that changed since another frame, the structural measure scene detection and
 * dedup threshold. A cell of one frame is unchanged when a cell of the other within {@code radius} cells of the
 * same position has a descriptor within {@code tolerance} of it (Euclidean); the search keeps a camera pan, which moves content rather than replacing it, from counting as change.
 * The share is taken both ways and the larger kept, so content that appears and content that vanishes count
 * alike. Same position, not a frame vector: vLLM's Efficient Video Sampling (vllm-project/vllm) and B-VLLM
 * (zhuqiangLu/B-VLLM) compare the tokens of one position over time; PySceneDetect's content detector likewise
 * scores change per pixel, not on a frame average (Breakthrough/PySceneDetect,
 * scenedetect/detectors/content_detector.py).
 */
final class PatchChange {
    private PatchChange() {
    }

    static double share(FrameLook a, FrameLook b, int radius, double tolerance) {
        checkShapes(a, b);
        return Math.max(unmatched(a, b, radius, tolerance), unmatched(b, a, radius, tolerance));
    }

    /**
     * Mean over cells of the distance to the nearest cell of the other frame within radius, both ways averaged:
     * how far apart two frames are, for telling a blend of two shots (as far from each as half their distance)
     * from a third shot.
     */
    static double meanDistance(FrameLook a, FrameLook b, int radius) {
        checkShapes(a, b);
        double[] ab = nearest(a, b, radius);
        double[] ba = nearest(b, a, radius);
        double sum = 0;
        for (int c = 0; c < ab.length; c++) {
            sum += ab[c] + ba[c];
        }
        return sum / (2.0 * ab.length);
    }

    private static void checkShapes(FrameLook a, FrameLook b) {
        if (a.rows() != b.rows() || a.cols() != b.cols() || a.dim() != b.dim()) {
            throw new IllegalArgumentException("frame looks differ in shape: " + a.rows() + "×" + a.cols() + "×"
                    + a.dim() + " vs " + b.rows() + "×" + b.cols() + "×" + b.dim());
        }
    }

    /** Share of b's cells with no cell of a nearby within tolerance. */
    private static double unmatched(FrameLook a, FrameLook b, int radius, double tolerance) {
        int changed = 0;
        double[] d = nearest(a, b, radius);
        for (double v : d) {
            if (v > tolerance) {
                changed++;
            }
        }
        return (double) changed / d.length;
    }

    /** For each cell of b, the distance to the nearest cell of a within radius of its position. */
    private static double[] nearest(FrameLook a, FrameLook b, int radius) {
        int rows = b.rows();
        int cols = b.cols();
        int dim = b.dim();
        double[] out = new double[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int ob = (r * cols + c) * dim;
                double best = Double.POSITIVE_INFINITY;
                for (int ra = Math.max(0, r - radius); ra <= Math.min(rows - 1, r + radius); ra++) {
                    for (int ca = Math.max(0, c - radius); ca <= Math.min(cols - 1, c + radius); ca++) {
                        best = Math.min(best, distance(a.cells(), (ra * cols + ca) * dim, b.cells(), ob, dim));
                    }
                }
                out[r * cols + c] = best;
            }
        }
        return out;
    }

    /** Euclidean distance of two cell descriptors. */
    private static double distance(float[] x, int ox, float[] y, int oy, int dim) {
        double sum = 0;
        for (int k = 0; k < dim; k++) {
            double d = x[ox + k] - y[oy + k];
            sum += d * d;
        }
        return Math.sqrt(sum);
    }
}
