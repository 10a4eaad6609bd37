package io.glimpse.tensor;

import io.glimpse.io.BadInputException;
import io.glimpse.io.HalfFloats;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Converts weights to a stored format ({@code --weights f16|bf16|q8_0|q4_0}), into native memory outside the Java heap.
 * The block quantizers follow llama.cpp's reference rounding bit for bit (ggml-quants.c quantize_row_q8_0_ref and
 * quantize_row_q4_0_ref, mirrored by gguf-py/gguf/quants.py), in f32 arithmetic:
 * <ul>
 * <li>Q8_0: d = max|x|/127, q = round-half-away(x·(1/d)), the f16 of d stored;</li>
 * <li>Q4_0: m = the x of largest magnitude (first if tied), d = m/−8, q = min(15, trunc(x·(1/d) + 8.5)), weights 0–15
 * in the low nibbles and 16–31 in the high nibbles, the f16 of d stored.</li>
 * </ul>
 * A source matrix is converted a tile of rows at a time, so no f32 copy of the whole matrix is made, and the pages of
 * a memory-mapped source are released from this process after each tile.
 */
public final class WeightQuantizer {
    private static final int TILE_FLOATS = 1 << 20;

    private WeightQuantizer() {
    }

    /** {@code source} in {@code format} (the source itself when it is already in that format). */
    public static WeightMatrix convert(WeightMatrix source, WeightFormat format) {
        if (source.format() == format) {
            return source;
        }
        if (!format.quantizable()) {
            throw new BadInputException("--weights " + format.cliName() + ": Glimpse reads " + format
                    + " weights from GGUF files but does not quantize to it; use auto on a file that stores them");
        }
        int rows = source.rows();
        int cols = source.cols();
        long rowBytes = format.rowBytes(cols);
        MemorySegment out = Arena.ofAuto().allocate(Math.max(1, rows * rowBytes), 64).asSlice(0, rows * rowBytes);
        int tile = Math.max(1, Math.min(rows, TILE_FLOATS / Math.max(1, cols)));
        float[] buf = new float[tile * cols];
        MemorySegment from = source.data();
        long sourceRowBytes = source.rowBytes();
        for (int r0 = 0; r0 < rows; r0 += tile) {
            int n = Math.min(tile, rows - r0);
            source.dequantize(r0, n, buf, 0);
            encode(format, buf, n * cols, out, r0 * rowBytes);
            if (from.isMapped()) {
                // The converted copy replaces the file's pages: give them back, so converting a checkpoint costs the
                // memory of the copy rather than the copy and the whole mapped file.
                from.asSlice(r0 * sourceRowBytes, n * sourceRowBytes).unload();
            }
        }
        return WeightMatrix.of(format, rows, cols, out);
    }

    /** W[rows × cols] given as f32 values, in {@code format}. */
    public static WeightMatrix quantize(float[] w, int rows, int cols, WeightFormat format) {
        return convert(new WeightMatrix.F32(rows, cols, MemorySegment.ofArray(w).asSlice(0, (long) rows * cols * 4)), format);
    }

    private static void encode(WeightFormat format, float[] x, int n, MemorySegment out, long at) {
        switch (format) {
            case F32 -> MemorySegment.copy(x, 0, out, ScalarWeightKernels.F32, at, n);
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    out.set(ScalarWeightKernels.I16, at + 2L * i, Float.floatToFloat16(x[i]));
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    out.set(ScalarWeightKernels.I16, at + 2L * i, HalfFloats.floatToBf16(x[i]));
                }
            }
            case Q8_0 -> {
                for (int b = 0; b < n / 32; b++) {
                    q8Block(x, 32 * b, out, at + 34L * b);
                }
            }
            case Q4_0 -> {
                for (int b = 0; b < n / 32; b++) {
                    q4Block(x, 32 * b, out, at + 18L * b);
                }
            }
            case Q4_K, Q6_K -> throw new IllegalStateException(format + " is not quantizable");
        }
    }

    private static void q8Block(float[] x, int xo, MemorySegment out, long at) {
        float amax = 0;
        for (int i = 0; i < 32; i++) {
            amax = Math.max(amax, Math.abs(x[xo + i]));
        }
        float d = amax / 127f;
        float id = d == 0 ? 0 : 1f / d;
        out.set(ScalarWeightKernels.I16, at, Float.floatToFloat16(d));
        for (int i = 0; i < 32; i++) {
            out.set(ValueLayout.JAVA_BYTE, at + 2 + i, (byte) roundAway(x[xo + i] * id));
        }
    }

    /** numpy's np_roundf of gguf-py, exact in f32: floor(a) + floor(2·(a − floor(a))) with the sign of v. */
    private static float roundAway(float v) {
        float a = Math.abs(v);
        float floored = (float) Math.floor(a);
        float b = floored + (float) Math.floor(2 * (a - floored));
        return Math.signum(v) * b;
    }

    private static void q4Block(float[] x, int xo, MemorySegment out, long at) {
        float amax = 0;
        float max = 0;
        for (int i = 0; i < 32; i++) {
            if (Math.abs(x[xo + i]) > amax) {
                amax = Math.abs(x[xo + i]);
                max = x[xo + i];
            }
        }
        float d = max / -8f;
        float id = d == 0 ? 0 : 1f / d;
        out.set(ScalarWeightKernels.I16, at, Float.floatToFloat16(d));
        for (int i = 0; i < 16; i++) {
            int lo = Math.min(15, (int) (x[xo + i] * id + 8.5f));
            int hi = Math.min(15, (int) (x[xo + 16 + i] * id + 8.5f));
            out.set(ValueLayout.JAVA_BYTE, at + 2 + i, (byte) (lo | hi << 4));
        }
    }
}
