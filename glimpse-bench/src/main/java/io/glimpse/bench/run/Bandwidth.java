package io.glimpse.bench.run;

import io.glimpse.tensor.MatVec;
import io.glimpse.tensor.VectorOps;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Memory bandwidths over buffers far larger than any cache: {@code read} streams one buffer as rows of 4 KB dotted
 * with one cached vector through {@link MatVec} (how the decoder reads weights, with nothing else to do), {@code copy}
 * counts the bytes read plus written by a copy split over the cores; both in bytes per second.
 */
public record Bandwidth(double read, double copy) {
    public static final int BUFFER_FLOATS = 64 << 20;
    private static final int ROW = 1024;
    /** Runs of each probe; the first ones also compile the kernels, as nothing has run before the probe. */
    private static final int RUNS = 12;

    public Bandwidth max(Bandwidth o) {
        return new Bandwidth(Math.max(read, o.read), Math.max(copy, o.copy));
    }

    public static Bandwidth measure() {
        float[] src = new float[BUFFER_FLOATS];
        float[] dst = new float[BUFFER_FLOATS];
        Arrays.fill(src, 1f);
        Arrays.fill(dst, 1f);
        VectorOps ops = VectorOps.get();
        float[] x = new float[ROW];
        Arrays.fill(x, 1f);
        float[] y = new float[BUFFER_FLOATS / ROW];
        double read = Timing.best(RUNS, () -> MatVec.multiplyTransposed(ops, 1, y.length, ROW, x, src, y)).wall();
        int parts = Runtime.getRuntime().availableProcessors();
        double copy = Timing.best(RUNS, () -> IntStream.range(0, parts).parallel().forEach(p ->
                System.arraycopy(src, from(p, parts), dst, from(p, parts), from(p + 1, parts) - from(p, parts)))).wall();
        if (y[y.length - 1] != ROW) {
            throw new IllegalStateException("bandwidth probe summed " + y[y.length - 1] + ", not " + ROW);
        }
        return new Bandwidth(4.0 * BUFFER_FLOATS / read, 2.0 * 4 * BUFFER_FLOATS / copy);
    }

    private static int from(int part, int parts) {
        return (int) ((long) BUFFER_FLOATS * part / parts);
    }
}
