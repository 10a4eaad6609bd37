package io.glimpse.plan;

import io.glimpse.image.LumaGrid;

import java.util.Arrays;

/**
 * Every frame a decoding pass went through, in time order, as {@link CutRefinement} needs them: the frame's time,
 * whether it is blank, and how much it changed since the frame before it, the mean absolute difference of the two
 * frames' {@link LumaGrid} cells. Frames are compared at the same position: one frame apart, content moves too little
 * for a search around it (as {@link PatchChange} does between samples) to matter, and a continuous score never ties.
 * The grids themselves are not kept: 14 bytes a frame, so an hour at 30 fps takes 1.5 MB.
 */
public final class FrameTrace {
    private double[] times = new double[1024];
    private float[] changes = new float[1024];
    private boolean[] blanks = new boolean[1024];
    /** Whether frames between this one and the one before it are missing (a seek, dropped damage, an unread grid). */
    private boolean[] gaps = new boolean[1024];
    private int size;
    private LumaGrid last;

    /**
     * Adds the frame decoded next. A frame at or before the last one (decoding resumed after a seek) replaces the
     * frames from its time on and starts a new run.
     *
     * @param grid    null when the frame could not be read this way; it is compared with neither neighbour (nor is a
     *                frame whose grid has another shape: the stream changed size)
     * @param follows false when frames since the last one added went undecoded
     */
    public void add(double timestamp, LumaGrid grid, boolean follows) {
        boolean rewound = false;
        while (size > 0 && times[size - 1] >= timestamp) {
            size--;
            rewound = true;
        }
        if (size == times.length) {
            int n = 2 * size;
            times = Arrays.copyOf(times, n);
            changes = Arrays.copyOf(changes, n);
            blanks = Arrays.copyOf(blanks, n);
            gaps = Arrays.copyOf(gaps, n);
        }
        boolean reshaped = last != null && grid != null && (last.cols() != grid.cols() || last.rows() != grid.rows());
        boolean gap = !follows || rewound || reshaped || grid == null || (size > 0 && last == null);
        times[size] = timestamp;
        gaps[size] = gap;
        changes[size] = gap || last == null ? Float.NaN : (float) change(last, grid);
        blanks[size] = grid != null && (grid.brightness() < FrameLook.BLANK_BRIGHTNESS
                || grid.contrast() < FrameLook.BLANK_CONTRAST);
        last = grid;
        size++;
    }

    public int size() {
        return size;
    }

    public double time(int i) {
        return times[check(i)];
    }

    /** Mean absolute luma change since frame i − 1 in [0, 1]; NaN for the first frame and after a gap. */
    public double change(int i) {
        return changes[check(i)];
    }

    /** Black or near-uniform, by the thresholds of {@link FrameLook#blank}. */
    public boolean blank(int i) {
        return blanks[check(i)];
    }

    /** Whether frames between i − 1 and i (or before i, for the first) went undecoded. */
    public boolean gapBefore(int i) {
        return gaps[check(i)];
    }

    /** Index of the first frame at or after t, or {@link #size()} when there is none. */
    int firstAtOrAfter(double t) {
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (times[mid] < t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private int check(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("frame " + i + " of " + size);
        }
        return i;
    }

    static double change(LumaGrid a, LumaGrid b) {
        if (a.cols() != b.cols() || a.rows() != b.rows()) {
            throw new IllegalArgumentException("luma grids differ in shape: " + a.cols() + "×" + a.rows() + " vs "
                    + b.cols() + "×" + b.rows());
        }
        float[] x = a.cells();
        float[] y = b.cells();
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            sum += Math.abs(x[i] - y[i]);
        }
        return sum / x.length;
    }
}
