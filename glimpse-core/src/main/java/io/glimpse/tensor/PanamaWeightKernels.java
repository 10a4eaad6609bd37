package io.glimpse.tensor;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Vector API kernels over stored weights: loads straight from the segment, widening in registers (Q8_0 codes by shifts
 * within 32-bit lanes, see {@link #dotQ8}; 4-bit codes by a byte→float conversion; bf16 by a shift; f16 by integer
 * operations, see {@link #dotF16}). Loaded
 * reflectively, like {@link PanamaVectorOps}.
 *
 * <p>Quantized blocks are summed in f32 with the block's scale applied once per block, against f32 activations. The
 * int8-activation scheme of llama.cpp (quantize x per block, integer dot products) was not adopted here; see the note
 * in docs/runtime.md.
 */
final class PanamaWeightKernels implements WeightKernels {
    private static final VectorSpecies<Float> F = KernelSpecies.FLOATS;
    private static final int L = F.length();
    private static final VectorSpecies<Integer> I = KernelSpecies.INTS;
    /** L codes per load, widened to L floats; at least 64 bits, so the class loads even where the constructor refuses. */
    private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, L * 8)));
    private static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(L * 32));
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final WeightKernels SCALAR = new ScalarWeightKernels();
    /** 2^112: a half's bits in a float's places read 2^-112 times its value ({@link #dotF16}). */
    private static final float HALF_BIAS = 0x1p112f;
    /**
     * Longest Q8_0 row read in one sweep, in blocks (6144 weights): a longer one is read in column chunks, each for all
     * rows of a tile ({@link #TILE}) before the next. One thread read rows of 11008 weights from DRAM at 6.0-6.2 G weights/s in one
     * sweep each and at 11.7-11.8 in two chunks (rows of 896: 14-15); see docs/runtime.md, "Long rows from DRAM".
     */
    private static final int Q8_CHUNK_BLOCKS = 192;
    /** Rows whose accumulators are kept at once while their chunks are read: a tile's stay in L1. */
    private static final int TILE = 64;

    /**
     * Refuses shapes other than 256 bits: the Q8_0 kernels read a block per 256-bit load, and {@link KernelSpecies}
     * gives narrower ones only where the machine has no wider (a byte vector of L codes would be under the 64 bits the
     * Vector API's smallest shape holds).
     */
    PanamaWeightKernels() {
        if (F.vectorBitSize() != 256) {
            throw new UnsupportedOperationException("kernel vector species is " + F.vectorBitSize() + " bits");
        }
    }

    @Override
    public float dot(WeightMatrix w, int row, float[] x, int xo) {
        long base = row * w.rowBytes();
        MemorySegment s = w.data();
        int k = w.cols();
        return switch (w) {
            case WeightMatrix.F32 m -> dotF32(s, base, k, x, xo);
            case WeightMatrix.F16 _, WeightMatrix.BF16 _, WeightMatrix.Q8_0 _ -> {
                float[] y = new float[1];
                dotRows(w, row, 1, x, xo, y, 0);
                yield y[0];
            }
            case WeightMatrix.Q4_0 m -> dotQ4(s, base, k / 32, x, xo);
            case WeightMatrix.Q4_K m -> dotQ4K(s, base, k / 256, x, xo);
            case WeightMatrix.Q6_K m -> dotQ6K(s, base, k / 256, x, xo);
        };
    }

    private static float dotF32(MemorySegment s, long base, int k, float[] x, int xo) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        int i = 0;
        for (; i + 2 * L <= k; i += 2 * L) {
            a0 = FloatVector.fromMemorySegment(F, s, base + 4L * i, LE).fma(FloatVector.fromArray(F, x, xo + i), a0);
            a1 = FloatVector.fromMemorySegment(F, s, base + 4L * (i + L), LE).fma(FloatVector.fromArray(F, x, xo + i + L), a1);
        }
        for (; i + L <= k; i += L) {
            a0 = FloatVector.fromMemorySegment(F, s, base + 4L * i, LE).fma(FloatVector.fromArray(F, x, xo + i), a0);
        }
        float sum = Lanes.sum(a0.add(a1));
        for (; i < k; i++) {
            sum = Math.fma(s.get(ScalarWeightKernels.F32, base + 4L * i), x[xo + i], sum);
        }
        return sum;
    }

    /**
     * Part {@code part} (0 or 1) of a vector of 2L bf16 halves widened to f32. Loading 2L halves at once and converting
     * each half of the vector measured several times faster than a load of L halves and one conversion. Loaded here
     * rather than passed in, for the reason {@link #code} gives.
     */
    private static FloatVector bf16(MemorySegment s, long at, int part) {
        IntVector bits = (IntVector) halves(s, at).convertShape(VectorOperators.S2I, I, part);
        return bits.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    private static ShortVector halves(MemorySegment s, long at) {
        return ShortVector.fromMemorySegment(S, s, at, LE);
    }

    /**
     * Both 16-bit formats are read as 32-bit lanes, each holding two weights, so the activations are split once per call
     * into the even and odd lanes of each 2L chunk (no cross-lane conversion per weight). BF16: a shift gives the even
     * weight and a mask the odd one. F16: see {@link #dotF16}. Q8_0: the activations are permuted once per call
     * instead, see {@link #dotQ8}.
     */
    @Override
    public void dotRows(WeightMatrix w, int row0, int count, float[] x, int xo, float[] y, int yo) {
        switch (w) {
            case WeightMatrix.F16 m -> rowsF16(w, row0, count, x, xo, y, yo);
            case WeightMatrix.BF16 m -> rowsBf16(w, row0, count, x, xo, y, yo);
            case WeightMatrix.Q8_0 m -> dotRowsOfRows(w, row0, count, 1, x, xo, y, yo, count);
            default -> WeightKernels.super.dotRows(w, row0, count, x, xo, y, yo);
        }
    }

    // One method per format, each compiled on its own: with the three loops inlined into dotRows, one thread ran 4864 ×
    // 896 rows at 6.2 (f16) and 6.6 (q8_0) G weights/s, and f16 at 3.5 once q8_0 had run in the same process; split,
    // 9.2 and 9.9 (Zen 3, in cache).
    private static void rowsF16(WeightMatrix w, int row0, int count, float[] x, int xo, float[] y, int yo) {
        int k = w.cols();
        float unscale = f16Unscale(x, xo, k);
        float[] split = evenOdd(x, xo, k, HALF_BIAS / unscale);
        for (int j = 0; j < count; j++) {
            y[yo + j] = dotF16(w, row0 + j, split, unscale, x, xo);
        }
    }

    /**
     * The power of two s that {@link #dotF16} divides the activations by (and multiplies its sum by) so that they stay
     * finite when scaled by 2^112: 1 unless some |x| reaches 2^14.
     */
    private static float f16Unscale(float[] x, int xo, int k) {
        float max = 0;
        for (int i = 0; i < k; i++) {
            max = Math.max(max, Math.abs(x[xo + i]));
        }
        return max < 0x1p14f ? 1f : Math.scalb(1f, Math.min(Math.getExponent(max), Float.MAX_EXPONENT) - 13);
    }

    private static void rowsBf16(WeightMatrix w, int row0, int count, float[] x, int xo, float[] y, int yo) {
        float[] split = evenOdd(x, xo, w.cols(), 1f);
        for (int j = 0; j < count; j++) {
            y[yo + j] = dotBf16(w.data(), (row0 + j) * w.rowBytes(), w.cols(), split, x, xo);
        }
    }

    /**
     * Q8_0 reads each weight row once for the activation rows two at a time ({@link #dotQ8Pair}), the row left over
     * on its own, a long row in column chunks ({@link #q8Chunks}); other formats one activation row after
     * another.
     */
    @Override
    public void dotRowsOfRows(WeightMatrix w, int row0, int count, int m, float[] x, int xo, float[] y, int yo, int ldy) {
        if (!readsRowsTogether(w.format())) {
            WeightKernels.super.dotRowsOfRows(w, row0, count, m, x, xo, y, yo, ldy);
            return;
        }
        int k = w.cols();
        float[][] xp = new float[m][];
        for (int r = 0; r < m; r++) {
            xp[r] = byCodeOfLane(x, xo + r * k, k);
        }
        int blocks = k / 32;
        int chunks = m == 1 ? q8Chunks(blocks) : 1;
        // Each row's vector accumulator, carried from chunk to chunk and summed after the last: a row's bits do not
        // depend on the chunks, so they are those of one sweep whatever the range or the number of activation rows.
        float[] acc = new float[TILE * m * L];
        for (int t0 = 0; t0 < count; t0 += TILE) {
            int rows = Math.min(TILE, count - t0);
            Arrays.fill(acc, 0f);
            for (int c = 0; c < chunks; c++) {
                int b0 = (int) ((long) blocks * c / chunks);
                int b1 = (int) ((long) blocks * (c + 1) / chunks);
                for (int j = 0; j < rows; j++) {
                    long base = (row0 + t0 + j) * w.rowBytes();
                    int at = j * m * L;
                    int r = 0;
                    for (; r + 1 < m; r += 2) {
                        dotQ8Pair(w.data(), base, b0, b1, xp[r], xp[r + 1], acc, at + r * L);
                    }
                    if (r < m) {
                        dotQ8(w.data(), base, b0, b1, xp[r], acc, at + r * L);
                    }
                }
            }
            for (int j = 0; j < rows; j++) {
                for (int r = 0; r < m; r++) {
                    y[yo + r * ldy + t0 + j] = Lanes.sum(FloatVector.fromArray(F, acc, (j * m + r) * L));
                }
            }
        }
    }

    /**
     * Column chunks of a long Q8_0 row against one activation row, each read for every row of the range before the
     * next: one for rows up to {@link #Q8_CHUNK_BLOCKS} blocks, else as few equal ones as keep each under it. Rows read
     * against two activation rows at a time stay whole: chunked, their pairs from DRAM ran at 4.1 G weight rows/s
     * against 6.1 whole (rows of 11008, one thread).
     */
    private static int q8Chunks(int blocks) {
        return Math.max(1, (blocks + Q8_CHUNK_BLOCKS - 1) / Q8_CHUNK_BLOCKS);
    }

    @Override
    public boolean readsRowsTogether(WeightFormat f) {
        return f == WeightFormat.Q8_0;
    }

    /**
     * A half's sign, exponent and mantissa moved into the places of a float's (a shift right by 3 of the half in the
     * lane's top 16 bits, the sign bits it drags along masked off) read as a float 2^-112 times the half's value, for
     * normal and subnormal halves alike. The activations in {@code split} were scaled by 2^112 / {@code unscale}
     * ({@link #f16Unscale}), both powers of two, so each product is the weight's times x's divided by {@code unscale}
     * exactly (unless it is subnormal), and the sum times {@code unscale} has the bits of widening each half first (as
     * {@link #widenF16} does) while saving a multiply per 8 weights: f16 decode of the Qwen2-0.5B shape went from
     * 0.86× to 0.93× llama.cpp's tg64 in the same runs (2-core Zen 5, where it is bound by the kernel's instructions). The Vector API has no half conversion, and
     * this is a few integer operations per vector where the scalar {@link Float#float16ToFloat} loop, which C2 compiles
     * to vcvtph2ps, needed a trip through an f32 buffer. A half with the exponent of infinity or NaN would come out
     * finite, so such lanes are flagged as they pass and the row is then summed by the scalar kernel.
     */
    private static float dotF16(WeightMatrix w, int row, float[] split, float unscale, float[] x, int xo) {
        MemorySegment s = w.data();
        long base = row * w.rowBytes();
        int k = w.cols();
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        IntVector special = IntVector.zero(I);
        int i = 0;
        for (; i < split.length; i += 2 * L) {
            IntVector pairs = IntVector.fromMemorySegment(I, s, base + 2L * i, LE);
            special = special.or(pairs.and(0x7c007c00).add(0x04000400));
            FloatVector even = pairs.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 3).and(0x8fffffff)
                    .reinterpretAsFloats();
            FloatVector odd = pairs.lanewise(VectorOperators.ASHR, 3).and(0x8fffe000).reinterpretAsFloats();
            a0 = even.fma(FloatVector.fromArray(F, split, i), a0);
            a1 = odd.fma(FloatVector.fromArray(F, split, i + L), a1);
        }
        if ((special.reduceLanes(VectorOperators.OR) & 0x80008000) != 0) {
            return SCALAR.dot(w, row, x, xo);
        }
        float sum = Lanes.sum(a0.add(a1)) * unscale;
        for (; i < k; i++) {
            sum = Math.fma(ScalarWeightKernels.half(s.get(ScalarWeightKernels.I16, base + 2L * i), false), x[xo + i], sum);
        }
        return sum;
    }

    /**
     * Halves widened as {@link #dotF16} widens them, 2L at a time in their order: each half sign-extended into a lane,
     * its exponent and mantissa shifted into a float's places, the sign's copies masked off, then the multiply by
     * 2^112. A chunk holding an infinity or NaN is redone by {@link Float#float16ToFloat}. A plain loop of that
     * (vcvtph2ps one half at a time) widened 1.5 halves per ns in one thread, this 3.4 (Zen 3).
     */
    private static void widenF16(MemorySegment s, long first, int n, float[] out, int offset) {
        int i = 0;
        for (; i + 2 * L <= n; i += 2 * L) {
            ShortVector h = halves(s, first + 2L * i);
            IntVector lo = (IntVector) h.convertShape(VectorOperators.S2I, I, 0);
            IntVector hi = (IntVector) h.convertShape(VectorOperators.S2I, I, 1);
            if ((lo.and(0x7c00).add(0x0400).or(hi.and(0x7c00).add(0x0400)).reduceLanes(VectorOperators.OR) & 0x8000) != 0) {
                widenF16Scalar(s, first + 2L * i, 2 * L, out, offset + i);
                continue;
            }
            lo.lanewise(VectorOperators.LSHL, 13).and(0x8fffe000).reinterpretAsFloats().mul(HALF_BIAS).intoArray(out, offset + i);
            hi.lanewise(VectorOperators.LSHL, 13).and(0x8fffe000).reinterpretAsFloats().mul(HALF_BIAS)
                    .intoArray(out, offset + i + L);
        }
        widenF16Scalar(s, first + 2L * i, n - i, out, offset + i);
    }

    private static void widenF16Scalar(MemorySegment s, long first, int n, float[] out, int offset) {
        for (int i = 0; i < n; i++) {
            out[offset + i] = Float.float16ToFloat(s.get(ScalarWeightKernels.I16, first + 2L * i));
        }
    }

    /**
     * x's whole 2L chunks times {@code scale} with each chunk's even lanes first, then its odd lanes; the tail is left to
     * the caller.
     */
    private static float[] evenOdd(float[] x, int xo, int k, float scale) {
        float[] split = new float[k - k % (2 * L)];
        for (int i = 0; i < split.length; i += 2 * L) {
            for (int l = 0; l < L; l++) {
                split[i + l] = x[xo + i + 2 * l] * scale;
                split[i + L + l] = x[xo + i + 2 * l + 1] * scale;
            }
        }
        return split;
    }

    private static float dotBf16(MemorySegment s, long base, int k, float[] split, float[] x, int xo) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        int i = 0;
        for (; i < split.length; i += 2 * L) {
            IntVector pairs = IntVector.fromMemorySegment(I, s, base + 2L * i, LE);
            a0 = pairs.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(FloatVector.fromArray(F, split, i), a0);
            a1 = pairs.and(0xffff0000).reinterpretAsFloats().fma(FloatVector.fromArray(F, split, i + L), a1);
        }
        float sum = Lanes.sum(a0.add(a1));
        for (; i < k; i++) {
            sum = Math.fma(ScalarWeightKernels.half(s.get(ScalarWeightKernels.I16, base + 2L * i), true), x[xo + i], sum);
        }
        return sum;
    }

    private static void dequantizeBf16(MemorySegment s, long first, int n, float[] out, int offset) {
        int i = 0;
        for (; i + 2 * L <= n; i += 2 * L) {
            bf16(s, first + 2L * i, 0).intoArray(out, offset + i);
            bf16(s, first + 2L * i, 1).intoArray(out, offset + i + L);
        }
        for (; i < n; i++) {
            out[offset + i] = ScalarWeightKernels.half(s.get(ScalarWeightKernels.I16, first + 2L * i), true);
        }
    }

    private static FloatVector codes(MemorySegment s, long at) {
        return (FloatVector) ByteVector.fromMemorySegment(B, s, at, LE).convertShape(VectorOperators.B2F, F, 0);
    }

    /**
     * Q8_0 rows are read as 32-bit lanes of four codes each, a whole block per 256-bit load (a wider species would
     * straddle blocks), so the activations are permuted once per call: in each chunk of 32 weights, weight 4l + k goes
     * to place 8k + l ({@link #byCodeOfLane}).
     */

    private static float[] byCodeOfLane(float[] x, int xo, int k) {
        float[] p = new float[k];
        for (int c = 0; c < k; c += 4 * L) {
            for (int l = 0; l < L; l++) {
                for (int b = 0; b < 4; b++) {
                    p[c + L * b + l] = x[xo + c + 4 * l + b];
                }
            }
        }
        return p;
    }

    /** A Q8_0 block's f16 scale, widened and broadcast. */
    private static FloatVector q8Scale(MemorySegment s, long block) {
        return FloatVector.broadcast(F, Float.float16ToFloat(s.get(ScalarWeightKernels.I16, block)));
    }

    /**
     * Code {@code b} (0-3, little-endian) of each 32-bit lane of the Q8_0 block at {@code block}, sign-extended by a
     * shift left and an arithmetic shift right. The block is loaded here, once per code (C2 merges the loads), rather
     * than passed in: a vector parameter's exact class is unknown wherever this is compiled on its own, the
     * conversion then falls back to Java lane by lane, and decode ran 20× slower once that happened.
     */
    private static FloatVector code(MemorySegment s, long block, int b) {
        IntVector q = IntVector.fromMemorySegment(I, s, block + 2, LE);
        IntVector v = b == 3 ? q : q.lanewise(VectorOperators.LSHL, 24 - 8 * b);
        return (FloatVector) v.lanewise(VectorOperators.ASHR, 24).convert(VectorOperators.I2F, 0);
    }

    /**
     * Blocks [b0, b1) of a row added to its vector accumulator at {@code accs[ao]}. Codes widened by shifts within their lanes and converted to float in place: a conversion between shapes
     * (byte → float) per 8 codes measured 7.4 G weights/s against about 10 for this (one thread, 512 × 896 in cache,
     * Zen 3), which decode at Q8_0 is bound by. One accumulator: two over alternate blocks (a branch on the block's
     * parity) ran at 11.1 G weights/s against 12.0 for one.
     */
    private static void dotQ8(MemorySegment s, long base, int b0, int b1, float[] xp, float[] accs, int ao) {
        FloatVector acc = FloatVector.fromArray(F, accs, ao);
        for (int b = b0; b < b1; b++) {
            long at = base + 34L * b;
            int xb = 32 * b;
            FloatVector p0 = code(s, at, 0).mul(FloatVector.fromArray(F, xp, xb));
            FloatVector p1 = code(s, at, 1).mul(FloatVector.fromArray(F, xp, xb + L));
            p0 = code(s, at, 2).fma(FloatVector.fromArray(F, xp, xb + 2 * L), p0);
            p1 = code(s, at, 3).fma(FloatVector.fromArray(F, xp, xb + 3 * L), p1);
            acc = p0.add(p1).fma(q8Scale(s, at), acc);
        }
        acc.intoArray(accs, ao);
    }

    /**
     * {@link #dotQ8} of one weight row against two activation rows (accumulators at {@code accs[ao]} and
     * {@code accs[ao + L]}): each block is loaded and its codes widened once for both. Each row's sum is formed in
     * {@link #dotQ8}'s order, so it has the bits {@link #dotQ8} gives it: the products of a draft verification give a
     * token what decoding it alone would.
     */
    private static void dotQ8Pair(MemorySegment s, long base, int b0, int b1, float[] xa, float[] xb, float[] accs, int ao) {
        FloatVector a = FloatVector.fromArray(F, accs, ao);
        FloatVector b = FloatVector.fromArray(F, accs, ao + L);
        for (int k = b0; k < b1; k++) {
            int xi = 32 * k;
            long at = base + 34L * k;
            FloatVector c0 = code(s, at, 0);
            FloatVector c1 = code(s, at, 1);
            FloatVector pa0 = c0.mul(FloatVector.fromArray(F, xa, xi));
            FloatVector pa1 = c1.mul(FloatVector.fromArray(F, xa, xi + L));
            FloatVector pb0 = c0.mul(FloatVector.fromArray(F, xb, xi));
            FloatVector pb1 = c1.mul(FloatVector.fromArray(F, xb, xi + L));
            FloatVector c2 = code(s, at, 2);
            FloatVector c3 = code(s, at, 3);
            pa0 = c2.fma(FloatVector.fromArray(F, xa, xi + 2 * L), pa0);
            pa1 = c3.fma(FloatVector.fromArray(F, xa, xi + 3 * L), pa1);
            pb0 = c2.fma(FloatVector.fromArray(F, xb, xi + 2 * L), pb0);
            pb1 = c3.fma(FloatVector.fromArray(F, xb, xi + 3 * L), pb1);
            FloatVector d = q8Scale(s, at);
            a = pa0.add(pa1).fma(d, a);
            b = pb0.add(pb1).fma(d, b);
        }
        a.intoArray(accs, ao);
        b.intoArray(accs, ao + L);
    }

    private static float dotQ4(MemorySegment s, long base, int blocks, float[] x, int xo) {
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        for (int b = 0; b < blocks; b++) {
            long at = base + 18L * b;
            int xb = xo + 32 * b;
            FloatVector block = FloatVector.zero(F);
            for (int c = 0; c < 16; c += L) {
                ByteVector q = ByteVector.fromMemorySegment(B, s, at + 2 + c, LE);
                FloatVector lo = (FloatVector) q.and((byte) 0xf).sub((byte) 8).convertShape(VectorOperators.B2F, F, 0);
                FloatVector hi = (FloatVector) q.lanewise(VectorOperators.LSHR, 4).sub((byte) 8).convertShape(VectorOperators.B2F, F, 0);
                block = lo.fma(FloatVector.fromArray(F, x, xb + c), block);
                block = hi.fma(FloatVector.fromArray(F, x, xb + 16 + c), block);
            }
            float d = Float.float16ToFloat(s.get(ScalarWeightKernels.I16, at));
            if ((b & 1) == 0) {
                acc0 = block.fma(FloatVector.broadcast(F, d), acc0);
            } else {
                acc1 = block.fma(FloatVector.broadcast(F, d), acc1);
            }
        }
        return Lanes.sum(acc0.add(acc1));
    }

    /** Lanes [c, c+L) of Q4_K sub-block 2j (low nibbles) or 2j+1 (high) of the super-block at {@code at}. */
    private static FloatVector q4kCodes(MemorySegment s, long at, int j, int c, boolean high) {
        ByteVector q = ByteVector.fromMemorySegment(B, s, at + 16 + 32L * j + c, LE);
        return (FloatVector) (high ? q.lanewise(VectorOperators.LSHR, 4) : q.and((byte) 0xf)).convertShape(VectorOperators.B2F, F, 0);
    }

    /**
     * Σ_sub (d·sc)·Σ q·x − (dmin·m)·Σ x: the codes and the activations are summed per sub-block and scaled once, the
     * mins against the activations' sum.
     */
    private static float dotQ4K(MemorySegment s, long base, int blocks, float[] x, int xo) {
        FloatVector acc = FloatVector.zero(F);
        FloatVector mins = FloatVector.zero(F);
        for (int b = 0; b < blocks; b++) {
            long at = base + 144L * b;
            float d = Float.float16ToFloat(s.get(ScalarWeightKernels.I16, at));
            float dmin = Float.float16ToFloat(s.get(ScalarWeightKernels.I16, at + 2));
            for (int j = 0; j < 4; j++) {
                int xb = xo + 256 * b + 64 * j;
                FloatVector lo = FloatVector.zero(F);
                FloatVector hi = FloatVector.zero(F);
                FloatVector xlo = FloatVector.zero(F);
                FloatVector xhi = FloatVector.zero(F);
                for (int c = 0; c < 32; c += L) {
                    FloatVector x0 = FloatVector.fromArray(F, x, xb + c);
                    FloatVector x1 = FloatVector.fromArray(F, x, xb + 32 + c);
                    lo = q4kCodes(s, at, j, c, false).fma(x0, lo);
                    hi = q4kCodes(s, at, j, c, true).fma(x1, hi);
                    xlo = xlo.add(x0);
                    xhi = xhi.add(x1);
                }
                acc = lo.fma(FloatVector.broadcast(F, d * ScalarWeightKernels.q4kScale(s, at, 2 * j)), acc);
                acc = hi.fma(FloatVector.broadcast(F, d * ScalarWeightKernels.q4kScale(s, at, 2 * j + 1)), acc);
                mins = xlo.fma(FloatVector.broadcast(F, dmin * ScalarWeightKernels.q4kMin(s, at, 2 * j)), mins);
                mins = xhi.fma(FloatVector.broadcast(F, dmin * ScalarWeightKernels.q4kMin(s, at, 2 * j + 1)), mins);
            }
        }
        return Lanes.sum(acc.sub(mins));
    }

    /** Lanes [c, c+L) of quarter t of half h (weights 128h + 32t + c ...) of the Q6_K super-block at {@code at}, minus 32. */
    private static FloatVector q6kCodes(MemorySegment s, long at, int h, int t, int c) {
        ByteVector ql = ByteVector.fromMemorySegment(B, s, at + 64L * h + 32 * (t & 1) + c, LE);
        ByteVector qh = ByteVector.fromMemorySegment(B, s, at + 128 + 32L * h + c, LE);
        ByteVector low = t < 2 ? ql.and((byte) 0xf) : ql.lanewise(VectorOperators.LSHR, 4);
        ByteVector high = qh.lanewise(VectorOperators.LSHR, 2 * t).and((byte) 3).lanewise(VectorOperators.LSHL, 4);
        return (FloatVector) low.or(high).sub((byte) 32).convertShape(VectorOperators.B2F, F, 0);
    }

    /** Scale of the group of 16 that lanes [c, c+L) of quarter t of half h fall in (L divides 16). */
    private static float q6kScale(MemorySegment s, long at, float d, int h, int t, int c) {
        return d * s.get(ValueLayout.JAVA_BYTE, at + 192 + 8L * h + 2 * t + c / 16);
    }

    /** Codes times activations per vector of L, scaled by its group's scale, over two accumulators. */
    private static float dotQ6K(MemorySegment s, long base, int blocks, float[] x, int xo) {
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        for (int b = 0; b < blocks; b++) {
            long at = base + 210L * b;
            float d = Float.float16ToFloat(s.get(ScalarWeightKernels.I16, at + 208));
            for (int h = 0; h < 2; h++) {
                for (int c = 0; c < 32; c += L) {
                    int xb = xo + 256 * b + 128 * h + c;
                    for (int t = 0; t < 4; t += 2) {
                        acc0 = q6kCodes(s, at, h, t, c).mul(FloatVector.fromArray(F, x, xb + 32 * t))
                                .fma(FloatVector.broadcast(F, q6kScale(s, at, d, h, t, c)), acc0);
                        acc1 = q6kCodes(s, at, h, t + 1, c).mul(FloatVector.fromArray(F, x, xb + 32 * (t + 1)))
                                .fma(FloatVector.broadcast(F, q6kScale(s, at, d, h, t + 1, c)), acc1);
                    }
                }
            }
        }
        return Lanes.sum(acc0.add(acc1));
    }

    @Override
    public void dequantize(WeightMatrix w, int row0, int count, float[] out, int offset) {
        MemorySegment s = w.data();
        long first = row0 * w.rowBytes();
        int n = Math.multiplyExact(count, w.cols());
        switch (w) {
            case WeightMatrix.F16 m -> widenF16(s, first, n, out, offset);
            case WeightMatrix.BF16 m -> dequantizeBf16(s, first, n, out, offset);
            case WeightMatrix.Q8_0 m -> {
                for (int b = 0; b < n / 32; b++) {
                    long at = first + 34L * b;
                    float d = Float.float16ToFloat(s.get(ScalarWeightKernels.I16, at));
                    for (int c = 0; c < 32; c += L) {
                        codes(s, at + 2 + c).mul(d).intoArray(out, offset + 32 * b + c);
                    }
                }
            }
            case WeightMatrix.Q4_0 m -> {
                for (int b = 0; b < n / 32; b++) {
                    long at = first + 18L * b;
                    float d = Float.float16ToFloat(s.get(ScalarWeightKernels.I16, at));
                    for (int c = 0; c < 16; c += L) {
                        ByteVector q = ByteVector.fromMemorySegment(B, s, at + 2 + c, LE);
                        ((FloatVector) q.and((byte) 0xf).sub((byte) 8).convertShape(VectorOperators.B2F, F, 0)).mul(d)
                                .intoArray(out, offset + 32 * b + c);
                        ((FloatVector) q.lanewise(VectorOperators.LSHR, 4).sub((byte) 8).convertShape(VectorOperators.B2F, F, 0))
                                .mul(d).intoArray(out, offset + 32 * b + 16 + c);
                    }
                }
            }
            case WeightMatrix.Q4_K m -> {
                for (int b = 0; b < n / 256; b++) {
                    long at = first + 144L * b;
                    float d = Float.float16ToFloat(s.get(ScalarWeightKernels.I16, at));
                    float dmin = Float.float16ToFloat(s.get(ScalarWeightKernels.I16, at + 2));
                    for (int sub = 0; sub < 8; sub++) {
                        float scale = d * ScalarWeightKernels.q4kScale(s, at, sub);
                        float min = dmin * ScalarWeightKernels.q4kMin(s, at, sub);
                        for (int c = 0; c < 32; c += L) {
                            q4kCodes(s, at, sub / 2, c, (sub & 1) == 1).mul(scale).sub(min)
                                    .intoArray(out, offset + 256 * b + 32 * sub + c);
                        }
                    }
                }
            }
            case WeightMatrix.Q6_K m -> {
                for (int b = 0; b < n / 256; b++) {
                    long at = first + 210L * b;
                    float d = Float.float16ToFloat(s.get(ScalarWeightKernels.I16, at + 208));
                    for (int h = 0; h < 2; h++) {
                        for (int t = 0; t < 4; t++) {
                            for (int c = 0; c < 32; c += L) {
                                q6kCodes(s, at, h, t, c).mul(q6kScale(s, at, d, h, t, c))
                                        .intoArray(out, offset + 256 * b + 128 * h + 32 * t + c);
                            }
                        }
                    }
                }
            }
            default -> SCALAR.dequantize(w, row0, count, out, offset);
        }
    }
}
