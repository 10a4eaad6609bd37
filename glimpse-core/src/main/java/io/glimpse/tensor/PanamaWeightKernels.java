package io.glimpse.tensor;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * Vector API kernels over stored weights: loads straight from the segment, widening in registers (int8 and 4-bit codes
 * by a byte→float conversion, bf16 by a shift, f16 by moving exponent and mantissa into place and rescaling by 2¹¹²,
 * which is exact for normal and subnormal halves). Loaded reflectively, like {@link PanamaVectorOps}. The f16 path
 * maps ±∞ and NaN to large finite values: such weights mean a corrupt checkpoint.
 *
 * <p>Quantized blocks are summed in f32 with the block's scale applied once per block, against f32 activations. The
 * int8-activation scheme of llama.cpp (quantize x per block, integer dot products) was not adopted here; see the note
 * in docs/runtime.md.
 */
final class PanamaWeightKernels implements WeightKernels {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8));
    private static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(L * 16));
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final WeightKernels SCALAR = new ScalarWeightKernels();

    /** Refuses species narrower than 128 bits or wider than a Q8_0 block. */
    PanamaWeightKernels() {
        if (F.vectorBitSize() < VectorOpsProvider.MIN_VECTOR_BITS || 32 % L != 0 || L < 4) {
            throw new UnsupportedOperationException("preferred vector species is " + F.vectorBitSize() + " bits");
        }
    }

    @Override
    public float dot(WeightMatrix w, int row, float[] x, int xo) {
        long base = row * w.rowBytes();
        MemorySegment s = w.data();
        int k = w.cols();
        return switch (w) {
            case WeightMatrix.F32 m -> dotF32(s, base, k, x, xo);
            case WeightMatrix.F16 m -> dotHalf(s, base, k, x, xo, false);
            case WeightMatrix.BF16 m -> dotHalf(s, base, k, x, xo, true);
            case WeightMatrix.Q8_0 m -> dotQ8(s, base, k / 32, x, xo);
            case WeightMatrix.Q4_0 m -> dotQ4(s, base, k / 32, x, xo);
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

    private static FloatVector half(MemorySegment s, long at, boolean bf16) {
        IntVector bits = (IntVector) ShortVector.fromMemorySegment(S, s, at, LE).convertShape(VectorOperators.S2I, I, 0);
        if (bf16) {
            return bits.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
        }
        FloatVector magnitude = bits.and(0x7fff).lanewise(VectorOperators.LSHL, 13).reinterpretAsFloats().mul(0x1p112f);
        return magnitude.reinterpretAsInts().or(bits.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
    }

    private static float dotHalf(MemorySegment s, long base, int k, float[] x, int xo, boolean bf16) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        int i = 0;
        for (; i + 2 * L <= k; i += 2 * L) {
            a0 = half(s, base + 2L * i, bf16).fma(FloatVector.fromArray(F, x, xo + i), a0);
            a1 = half(s, base + 2L * (i + L), bf16).fma(FloatVector.fromArray(F, x, xo + i + L), a1);
        }
        for (; i + L <= k; i += L) {
            a0 = half(s, base + 2L * i, bf16).fma(FloatVector.fromArray(F, x, xo + i), a0);
        }
        float sum = Lanes.sum(a0.add(a1));
        for (; i < k; i++) {
            short h = s.get(ScalarWeightKernels.I16, base + 2L * i);
            sum = Math.fma(bf16 ? ScalarWeightKernels.bf16(h) : Float.float16ToFloat(h), x[xo + i], sum);
        }
        return sum;
    }

    private static FloatVector codes(MemorySegment s, long at) {
        return (FloatVector) ByteVector.fromMemorySegment(B, s, at, LE).convertShape(VectorOperators.B2F, F, 0);
    }

    /** Two accumulators over alternate blocks, so one block's scale multiply waits on the other's. */
    private static float dotQ8(MemorySegment s, long base, int blocks, float[] x, int xo) {
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        for (int b = 0; b < blocks; b++) {
            long at = base + 34L * b;
            int xb = xo + 32 * b;
            FloatVector block = codes(s, at + 2).mul(FloatVector.fromArray(F, x, xb));
            for (int c = L; c < 32; c += L) {
                block = codes(s, at + 2 + c).fma(FloatVector.fromArray(F, x, xb + c), block);
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

    @Override
    public void dequantize(WeightMatrix w, int row0, int count, float[] out, int offset) {
        MemorySegment s = w.data();
        long first = row0 * w.rowBytes();
        int n = Math.multiplyExact(count, w.cols());
        switch (w) {
            case WeightMatrix.F16 m when n % L == 0 -> {
                for (int i = 0; i < n; i += L) {
                    half(s, first + 2L * i, false).intoArray(out, offset + i);
                }
            }
            case WeightMatrix.BF16 m when n % L == 0 -> {
                for (int i = 0; i < n; i += L) {
                    half(s, first + 2L * i, true).intoArray(out, offset + i);
                }
            }
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
            default -> SCALAR.dequantize(w, row0, count, out, offset);
        }
    }
}
