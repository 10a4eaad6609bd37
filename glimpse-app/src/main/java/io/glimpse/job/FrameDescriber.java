package io.glimpse.job;

import io.glimpse.image.RgbImage;
import io.glimpse.plan.Candidate;
import io.glimpse.plan.FrameLook;
import io.glimpse.vision.PatchStats;

/**
 * Describes a sampled frame for planning: the PatchStats frame descriptor, and a {@link FrameLook} whose cells
 * are the raw PatchStats patch statistics (OKLab colour, edge orientations, layout), scaled and averaged over
 * square blocks of patches so that at most {@link #MAX_CELL_COLUMNS}
 * cells span the width (16×9 cells for a 448×252 frame: fine enough to see a person cross the frame, coarse
 * enough that a thousand candidates fit in a few megabytes), with the frame's luma level and colour spread.
 */
final class FrameDescriber {
    static final int PATCH = 14;
    static final int MAX_CELL_COLUMNS = 16;

    /**
     * Scales of the raw PatchStats statistics in a cell, so that a step of about 0.05 in any of them is a visible
     * change: OKLab a and b span about a third of L's range, edge and layout energies are per pixel.
     */
    private static final float[] WEIGHTS = {
        1, 3, 3, 1, 3, 3,
        3, 3, 3, 3, 3, 3, 3, 3,
        0, 0, 0, 0, 0, 0, 0, 0,
    };

    private final PatchStats stats = new PatchStats(PATCH);

    /** The candidate for a frame described at its sampled size, whose source is nativeWidth×nativeHeight. */
    Candidate describe(RgbImage frame, int nativeWidth, int nativeHeight) {
        PatchStats.Frame f = stats.describe(frame);
        return new Candidate(frame.timestamp(), nativeWidth, nativeHeight, f.descriptor(), look(frame, f));
    }

    private static FrameLook look(RgbImage frame, PatchStats.Frame f) {
        int gridW = f.info().gridW();
        int gridH = f.info().gridH();
        int block = (gridW + MAX_CELL_COLUMNS - 1) / MAX_CELL_COLUMNS;
        int cols = (gridW + block - 1) / block;
        int rows = (gridH + block - 1) / block;
        int dim = PatchStats.DIM;
        float[] cells = new float[rows * cols * dim];
        int[] members = new int[rows * cols];
        float[] raw = f.raw();
        for (int pr = 0; pr < gridH; pr++) {
            for (int pc = 0; pc < gridW; pc++) {
                int cell = (pr / block) * cols + pc / block;
                members[cell]++;
                int p = (pr * gridW + pc) * dim;
                for (int k = 0; k < dim; k++) {
                    cells[cell * dim + k] += WEIGHTS[k] * raw[p + k];
                }
            }
        }
        for (int c = 0; c < rows * cols; c++) {
            for (int k = 0; k < dim; k++) {
                cells[c * dim + k] /= members[c];
            }
        }
        // Spread over all three channels, not luma alone: shots of one palette can be flat in luma yet colourful.
        byte[] rgb = frame.rgb();
        double luma = 0;
        double[] sum = new double[3];
        double[] sq = new double[3];
        int pixels = rgb.length / 3;
        for (int i = 0; i < rgb.length; i += 3) {
            for (int ch = 0; ch < 3; ch++) {
                double v = (rgb[i + ch] & 0xff) / 255.0;
                sum[ch] += v;
                sq[ch] += v * v;
            }
        }
        double variance = 0;
        for (int ch = 0; ch < 3; ch++) {
            double mean = sum[ch] / pixels;
            variance += Math.max(0, sq[ch] / pixels - mean * mean) / 3;
        }
        double mean = (0.299 * sum[0] + 0.587 * sum[1] + 0.114 * sum[2]) / pixels;
        double spread = Math.sqrt(variance);
        return new FrameLook(rows, cols, dim, cells, Math.min(1, mean), Math.min(1, spread));
    }
}
