package io.glimpse.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Plain loops over the stored bytes, in ggml's block layouts: a Q8_0 block is an f16 scale d and 32 int8 codes q, weight
 * = d·q; a Q4_0 block is d and 16 bytes whose low nibbles are weights 0–15 and high nibbles weights 16–31, weight =
 * d·(nibble − 8) (ggml-quants.c dequantize_row_q8_0 / dequantize_row_q4_0). The reference for the vector kernels.
 */
final class ScalarWeightKernels implements WeightKernels {
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @Override
    public float dot(WeightMatrix w, int row, float[] x, int xo) {
        int k = w.cols();
        MemorySegment s = w.data();
        long base = row * w.rowBytes();
        float sum = 0;
        switch (w) {
            case WeightMatrix.F32 m -> {
                for (int i = 0; i < k; i++) {
                    sum = Math.fma(s.get(F32, base + 4L * i), x[xo + i], sum);
                }
            }
            case WeightMatrix.F16 m -> {
                for (int i = 0; i < k; i++) {
                    sum = Math.fma(Float.float16ToFloat(s.get(I16, base + 2L * i)), x[xo + i], sum);
                }
            }
            case WeightMatrix.BF16 m -> {
                for (int i = 0; i < k; i++) {
                    sum = Math.fma(bf16(s.get(I16, base + 2L * i)), x[xo + i], sum);
                }
            }
            case WeightMatrix.Q8_0 m -> {
                for (int b = 0; b < k / 32; b++) {
                    long at = base + 34L * b;
                    float block = 0;
                    for (int i = 0; i < 32; i++) {
                        block = Math.fma(s.get(ValueLayout.JAVA_BYTE, at + 2 + i), x[xo + 32 * b + i], block);
                    }
                    sum = Math.fma(Float.float16ToFloat(s.get(I16, at)), block, sum);
                }
            }
            case WeightMatrix.Q4_0 m -> {
                for (int b = 0; b < k / 32; b++) {
                    long at = base + 18L * b;
                    float block = 0;
                    for (int i = 0; i < 16; i++) {
                        int q = s.get(ValueLayout.JAVA_BYTE, at + 2 + i) & 0xff;
                        block = Math.fma((q & 0xf) - 8, x[xo + 32 * b + i], block);
                        block = Math.fma((q >>> 4) - 8, x[xo + 32 * b + 16 + i], block);
                    }
                    sum = Math.fma(Float.float16ToFloat(s.get(I16, at)), block, sum);
                }
            }
        }
        return sum;
    }

    @Override
    public void dequantize(WeightMatrix w, int row0, int count, float[] out, int offset) {
        int k = w.cols();
        MemorySegment s = w.data();
        long first = row0 * w.rowBytes();
        long n = (long) count * k;
        switch (w) {
            case WeightMatrix.F32 m -> MemorySegment.copy(s, F32, first, out, offset, (int) n);
            case WeightMatrix.F16 m -> {
                for (int i = 0; i < n; i++) {
                    out[offset + i] = Float.float16ToFloat(s.get(I16, first + 2L * i));
                }
            }
            case WeightMatrix.BF16 m -> {
                for (int i = 0; i < n; i++) {
                    out[offset + i] = bf16(s.get(I16, first + 2L * i));
                }
            }
            case WeightMatrix.Q8_0 m -> {
                for (int b = 0; b < n / 32; b++) {
                    long at = first + 34L * b;
                    float d = Float.float16ToFloat(s.get(I16, at));
                    for (int i = 0; i < 32; i++) {
                        out[offset + 32 * b + i] = d * s.get(ValueLayout.JAVA_BYTE, at + 2 + i);
                    }
                }
            }
            case WeightMatrix.Q4_0 m -> {
                for (int b = 0; b < n / 32; b++) {
                    long at = first + 18L * b;
                    float d = Float.float16ToFloat(s.get(I16, at));
                    for (int i = 0; i < 16; i++) {
                        int q = s.get(ValueLayout.JAVA_BYTE, at + 2 + i) & 0xff;
                        out[offset + 32 * b + i] = d * ((q & 0xf) - 8);
                        out[offset + 32 * b + 16 + i] = d * ((q >>> 4) - 8);
                    }
                }
            }
        }
    }

    /** A stored half of either kind widened. */
    static float half(short h, boolean bf16) {
        return bf16 ? bf16(h) : Float.float16ToFloat(h);
    }

    static float bf16(short b) {
        return Float.intBitsToFloat((b & 0xffff) << 16);
    }
}
