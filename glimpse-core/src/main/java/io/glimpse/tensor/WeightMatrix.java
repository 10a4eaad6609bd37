package io.glimpse.tensor;

import java.lang.foreign.MemorySegment;

/**
 * A linear layer's weight W[rows × cols] ([out × in], as checkpoints store it) in its stored format, over a segment that
 * is usually a view into a memory-mapped checkpoint: nothing is widened ahead of use. Decoding multiplies one or two
 * rows of activations by it, reading each weight once per row straight from the segment and widening or dequantizing
 * in registers ({@link WeightKernels}); longer inputs (prefill) dequantize a tile of weight rows at a time into an f32
 * panel for the {@link Gemm} kernel.
 */
public sealed interface WeightMatrix {
    /**
     * At or below this many rows the product is a matrix-vector product per row, without a panel. Two rows already go
     * faster through {@code FewRowProduct}, which reads each weight once for both: 1.0–1.9× one row's time against
     * 2.0× as two matrix-vector products (f32, f16, bf16, q8_0 on 896-wide rows, one thread).
     */
    int MATVEC_ROWS = 1;
    /** Floats per dequantized panel of the GEMM path (16 MB). */
    long PANEL_FLOATS = 1L << 22;

    int rows();

    int cols();

    MemorySegment data();

    default WeightFormat format() {
        return switch (this) {
            case F32 m -> WeightFormat.F32;
            case F16 m -> WeightFormat.F16;
            case BF16 m -> WeightFormat.BF16;
            case Q8_0 m -> WeightFormat.Q8_0;
            case Q4_0 m -> WeightFormat.Q4_0;
            case Q4_K m -> WeightFormat.Q4_K;
            case Q6_K m -> WeightFormat.Q6_K;
        };
    }

    record F32(int rows, int cols, MemorySegment data) implements WeightMatrix {
        public F32 {
            check(WeightFormat.F32, rows, cols, data);
        }
    }

    record F16(int rows, int cols, MemorySegment data) implements WeightMatrix {
        public F16 {
            check(WeightFormat.F16, rows, cols, data);
        }
    }

    record BF16(int rows, int cols, MemorySegment data) implements WeightMatrix {
        public BF16 {
            check(WeightFormat.BF16, rows, cols, data);
        }
    }

    record Q8_0(int rows, int cols, MemorySegment data) implements WeightMatrix {
        public Q8_0 {
            check(WeightFormat.Q8_0, rows, cols, data);
        }
    }

    record Q4_0(int rows, int cols, MemorySegment data) implements WeightMatrix {
        public Q4_0 {
            check(WeightFormat.Q4_0, rows, cols, data);
        }
    }

    record Q4_K(int rows, int cols, MemorySegment data) implements WeightMatrix {
        public Q4_K {
            check(WeightFormat.Q4_K, rows, cols, data);
        }
    }

    record Q6_K(int rows, int cols, MemorySegment data) implements WeightMatrix {
        public Q6_K {
            check(WeightFormat.Q6_K, rows, cols, data);
        }
    }

    /**
     * The matrix of {@code format} over {@code data}.
     *
     * @throws IllegalArgumentException when the segment's size is not that of the shape
     */
    static WeightMatrix of(WeightFormat format, int rows, int cols, MemorySegment data) {
        return switch (format) {
            case F32 -> new F32(rows, cols, data);
            case F16 -> new F16(rows, cols, data);
            case BF16 -> new BF16(rows, cols, data);
            case Q8_0 -> new Q8_0(rows, cols, data);
            case Q4_0 -> new Q4_0(rows, cols, data);
            case Q4_K -> new Q4_K(rows, cols, data);
            case Q6_K -> new Q6_K(rows, cols, data);
        };
    }

    private static void check(WeightFormat format, int rows, int cols, MemorySegment data) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("weight shape must be non-negative, got " + rows + "×" + cols);
        }
        long need = rows * format.rowBytes(cols);
        if (data.byteSize() != need) {
            throw new IllegalArgumentException(format + " weight " + rows + "×" + cols + " needs " + need + " bytes, has "
                    + data.byteSize());
        }
    }

    default long rowBytes() {
        return format().rowBytes(cols());
    }

    /** Bytes a pass over every weight reads. */
    default long bytes() {
        return data().byteSize();
    }

    /** Row {@code row} times {@code x[xo .. xo+cols)}. */
    default float dot(int row, float[] x, int xo) {
        return WeightKernels.get().dot(this, row, x, xo);
    }

    /** Rows [row0, row0+count) widened to f32, row-major into {@code out} from {@code offset}. */
    default void dequantize(int row0, int count, float[] out, int offset) {
        WeightKernels.get().dequantize(this, row0, count, out, offset);
    }

    /** Every weight as f32 ([rows × cols]). */
    default float[] toFloats() {
        float[] out = new float[Math.multiplyExact(rows(), cols())];
        dequantize(0, rows(), out, 0);
        return out;
    }

    /**
     * y[m × rows] = x[m × cols] · Wᵀ. Up to {@link #MATVEC_ROWS} rows: dot products split over the threads of
     * {@code pool} by output row, each weight streamed once per input row. Up to {@code FewRowProduct.MAX_ROWS} (128):
     * {@code FewRowProduct}, each weight read once for all the rows. More rows: tiles of weight rows are
     * dequantized into an f32 panel (bounded by {@link #PANEL_FLOATS}) and multiplied by {@code gemm}, so a prefill
     * converts every weight once per call, O(rows·cols) beside the product's O(m·rows·cols).
     */
    default void multiplyTransposed(Parallel pool, Gemm gemm, int m, float[] x, float[] y) {
        WeightStack.of(this).multiplyTransposed(pool, gemm, m, x, 0, y, 0);
    }
}
