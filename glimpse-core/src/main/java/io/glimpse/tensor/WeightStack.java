package io.glimpse.tensor;

import io.glimpse.io.MappedFile;

import java.util.Arrays;

/**
 * Weight matrices with the same number of columns stacked by rows into one operand [Σ rows × cols], each in its own
 * stored format: a fused projection (q, k and v; gate and up) without copying its parts together, even when a GGUF
 * file stores them in different quantizations.
 */
public final class WeightStack {
    private final WeightMatrix[] parts;
    private final int[] starts;
    private final int rows;
    private final int cols;

    private WeightStack(WeightMatrix[] parts) {
        if (parts.length == 0) {
            throw new IllegalArgumentException("a weight stack needs at least one matrix");
        }
        this.parts = parts;
        this.cols = parts[0].cols();
        this.starts = new int[parts.length + 1];
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].cols() != cols) {
                throw new IllegalArgumentException("stacked weights need equal widths, got " + parts[i].cols() + " and " + cols);
            }
            starts[i + 1] = Math.addExact(starts[i], parts[i].rows());
        }
        this.rows = starts[parts.length];
    }

    public static WeightStack of(WeightMatrix... parts) {
        return new WeightStack(parts.clone());
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** Bytes one pass over every weight reads. */
    public long bytes() {
        return Arrays.stream(parts).mapToLong(WeightMatrix::bytes).sum();
    }

    /**
     * y[yo + r·rows + j] = Σ_i x[xo + r·cols + i]·W[j][i] for r below m: see {@link WeightMatrix#multiplyTransposed}
     * for the two paths. Every part writes its own columns of y.
     */
    public void multiplyTransposed(Parallel pool, Gemm gemm, int m, float[] x, int xo, float[] y, int yo) {
        WeightProducts.multiplyTransposed(this, pool, gemm, m, x, xo, y, yo, WeightMatrix.PANEL_FLOATS);
    }

    /**
     * Gives this process's pages of the parts that are views of a mapped file back ({@link MappedFile#release}); the
     * next product reads them from the file (the page cache) again. For weights used once in a while beside others
     * read on every token.
     */
    public void releasePages() {
        for (WeightMatrix m : parts) {
            MappedFile.release(m.data());
        }
    }

    WeightMatrix part(int i) {
        return parts[i];
    }

    int partCount() {
        return parts.length;
    }

    /** First stacked row of part i. */
    int start(int i) {
        return starts[i];
    }
}
