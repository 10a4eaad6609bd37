package io.glimpse.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Plain loops over the stored bytes, in ggml's block layouts: a Q8_0 block is an f16 scale d and 32 int8 codes q, weight
 * = d·q; a Q4_0 block is d and 16 bytes whose low nibbles are weights 0–15 and high nibbles weights 16–31, weight =
 * d·(nibble − 8) (ggml-quants.c dequantize_row_q8_0 / dequantize_row_q4_0). The k-quants follow dequantize_row_q4_K
 * and dequantize_row_q6_K:
 * <ul>
 * <li>Q4_K (144 bytes per 256 weights): f16 d, f16 dmin, 12 bytes packing eight 6-bit scales sc and mins m
 * (get_scale_min_k4), 128 bytes of codes; sub-blocks 2j and 2j+1 are the low and high nibbles of bytes 32j–32j+31,
 * weight = (d·sc)·q − dmin·m;</li>
 * <li>Q6_K (210 bytes): 128 bytes ql of low nibbles, 64 bytes qh of 2-bit high parts, 16 int8 scales, f16 d; in each
 * half of 128 weights, weight 32t+l (t = 0..3) takes the low (t even) or high (t odd) nibble of ql[32(t&amp;1)+l] and
 * bits 2t, 2t+1 of qh[l] for its top two bits, weight = (d·sc[l/16 + 2t])·(q − 32).</li>
 * </ul>
 * The reference for the vector kernels.
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
            case WeightMatrix.Q4_K m -> {
                for (int b = 0; b < k / 256; b++) {
                    long at = base + 144L * b;
                    float d = Float.float16ToFloat(s.get(I16, at));
                    float dmin = Float.float16ToFloat(s.get(I16, at + 2));
                    for (int sub = 0; sub < 8; sub++) {
                        float qx = 0;
                        float xs = 0;
                        for (int l = 0; l < 32; l++) {
                            float xi = x[xo + 256 * b + 32 * sub + l];
                            qx = Math.fma(q4k(s, at, sub, l), xi, qx);
                            xs += xi;
                        }
                        sum = Math.fma(d * q4kScale(s, at, sub), qx, sum);
                        sum = Math.fma(-(dmin * q4kMin(s, at, sub)), xs, sum);
                    }
                }
            }
            case WeightMatrix.Q6_K m -> {
                for (int b = 0; b < k / 256; b++) {
                    long at = base + 210L * b;
                    float d = Float.float16ToFloat(s.get(I16, at + 208));
                    for (int g = 0; g < 16; g++) {
                        float qx = 0;
                        for (int l = 0; l < 16; l++) {
                            qx = Math.fma(q6k(s, at, 16 * g + l), x[xo + 256 * b + 16 * g + l], qx);
                        }
                        sum = Math.fma(d * s.get(ValueLayout.JAVA_BYTE, at + 192 + q6kScale(g)), qx, sum);
                    }
                }
            }
        }
        return sum;
    }

    /** Code l (0..31) of Q4_K sub-block sub of the super-block at {@code at}. */
    static int q4k(MemorySegment s, long at, int sub, int l) {
        int q = s.get(ValueLayout.JAVA_BYTE, at + 16 + 32L * (sub / 2) + l) & 0xff;
        return (sub & 1) == 0 ? q & 0xf : q >>> 4;
    }

    /** The 6-bit scale of Q4_K sub-block j (get_scale_min_k4). */
    static int q4kScale(MemorySegment s, long at, int j) {
        return j < 4 ? scaleByte(s, at, j) & 63 : (scaleByte(s, at, j + 4) & 0xf) | (scaleByte(s, at, j - 4) >>> 6) << 4;
    }

    /** The 6-bit min of Q4_K sub-block j (get_scale_min_k4). */
    static int q4kMin(MemorySegment s, long at, int j) {
        return j < 4 ? scaleByte(s, at, j + 4) & 63 : (scaleByte(s, at, j + 4) >>> 4) | (scaleByte(s, at, j) >>> 6) << 4;
    }

    private static int scaleByte(MemorySegment s, long at, int i) {
        return s.get(ValueLayout.JAVA_BYTE, at + 4 + i) & 0xff;
    }

    /** Code i (0..255) of the Q6_K super-block at {@code at}, minus 32. */
    static int q6k(MemorySegment s, long at, int i) {
        int half = i / 128;
        int t = i % 128 / 32;
        int l = i % 32;
        int low = s.get(ValueLayout.JAVA_BYTE, at + 64L * half + 32 * (t & 1) + l) & 0xff;
        int high = s.get(ValueLayout.JAVA_BYTE, at + 128 + 32L * half + l) >>> 2 * t & 3;
        return ((t < 2 ? low & 0xf : low >>> 4) | high << 4) - 32;
    }

    /** Index of the scale of Q6_K group g (weights 16g..16g+15) among the block's 16 scales. */
    static int q6kScale(int g) {
        int half = g / 8;
        int t = g % 8 / 2;
        return 8 * half + g % 2 + 2 * t;
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
            case WeightMatrix.Q4_K m -> {
                for (int b = 0; b < n / 256; b++) {
                    long at = first + 144L * b;
                    float d = Float.float16ToFloat(s.get(I16, at));
                    float dmin = Float.float16ToFloat(s.get(I16, at + 2));
                    for (int sub = 0; sub < 8; sub++) {
                        float scale = d * q4kScale(s, at, sub);
                        float min = dmin * q4kMin(s, at, sub);
                        for (int l = 0; l < 32; l++) {
                            out[offset + 256 * b + 32 * sub + l] = scale * q4k(s, at, sub, l) - min;
                        }
                    }
                }
            }
            case WeightMatrix.Q6_K m -> {
                for (int b = 0; b < n / 256; b++) {
                    long at = first + 210L * b;
                    float d = Float.float16ToFloat(s.get(I16, at + 208));
                    for (int i = 0; i < 256; i++) {
                        out[offset + 256 * b + i] = d * s.get(ValueLayout.JAVA_BYTE, at + 192 + q6kScale(i / 16)) * q6k(s, at, i);
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
