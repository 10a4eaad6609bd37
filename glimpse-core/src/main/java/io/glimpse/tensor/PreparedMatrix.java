package io.glimpse.tensor;

/** Base of the backends' {@link Gemm.Prepared} matrices: the shape, and the Gemm that made it and alone accepts it. */
abstract class PreparedMatrix implements Gemm.Prepared {
    private final Gemm owner;
    private final int rows;
    private final int cols;

    PreparedMatrix(Gemm owner, int rows, int cols) {
        this.owner = owner;
        this.rows = rows;
        this.cols = cols;
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public int cols() {
        return cols;
    }

    /**
     * {@code b} as the {@code type} of matrix {@code gemm} prepares.
     *
     * @throws IllegalArgumentException when another Gemm prepared it
     */
    static <T extends PreparedMatrix> T of(Gemm gemm, Gemm.Prepared b, Class<T> type) {
        if (b instanceof PreparedMatrix p && p.owner == gemm && type.isInstance(b)) {
            return type.cast(b);
        }
        String maker = b instanceof PreparedMatrix p ? String.valueOf(p.owner) : String.valueOf(b);
        throw new IllegalArgumentException("a matrix prepared by " + maker + " was passed to " + gemm);
    }

    /** The default form: a row-major copy of B. */
    static final class Copy extends PreparedMatrix {
        final float[] data;

        Copy(Gemm owner, float[] data, int rows, int cols) {
            super(owner, rows, cols);
            this.data = data;
        }
    }
}
