package io.glimpse.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels. Loaded only reflectively by {@link VectorOpsProvider}, so no Vector API class is
 * initialised unless the module is readable. Short inputs (at most two vectors) take the scalar loop, where
 * the vector setup costs more than it saves (Lucene's PanamaVectorUtilSupport makes the same cut).
 */
final class PanamaVectorOps implements VectorOps {
    private static final VectorSpecies<Float> SPECIES = KernelSpecies.FLOATS;
    private static final int LANES = SPECIES.length();

    /** Refuses species narrower than 128 bits, on which the vector path is slower than scalar code. */
    PanamaVectorOps() {
        if (SPECIES.vectorBitSize() < VectorOpsProvider.MIN_VECTOR_BITS) {
            throw new UnsupportedOperationException("kernel vector species is only " + SPECIES.vectorBitSize() + " bits");
        }
    }

    @Override
    public float dot(float[] a, int ao, float[] b, int bo, int n) {
        int i = 0;
        float s = 0;
        if (n > 2 * LANES) {
            // Four independent accumulators hide the FMA latency; the CPU can retire several per cycle.
            FloatVector acc0 = FloatVector.zero(SPECIES);
            FloatVector acc1 = FloatVector.zero(SPECIES);
            FloatVector acc2 = FloatVector.zero(SPECIES);
            FloatVector acc3 = FloatVector.zero(SPECIES);
            int bound4 = n - 4 * LANES;
            for (; i <= bound4; i += 4 * LANES) {
                acc0 = FloatVector.fromArray(SPECIES, a, ao + i).fma(FloatVector.fromArray(SPECIES, b, bo + i), acc0);
                acc1 = FloatVector.fromArray(SPECIES, a, ao + i + LANES)
                        .fma(FloatVector.fromArray(SPECIES, b, bo + i + LANES), acc1);
                acc2 = FloatVector.fromArray(SPECIES, a, ao + i + 2 * LANES)
                        .fma(FloatVector.fromArray(SPECIES, b, bo + i + 2 * LANES), acc2);
                acc3 = FloatVector.fromArray(SPECIES, a, ao + i + 3 * LANES)
                        .fma(FloatVector.fromArray(SPECIES, b, bo + i + 3 * LANES), acc3);
            }
            int bound = SPECIES.loopBound(n);
            for (; i < bound; i += LANES) {
                acc0 = FloatVector.fromArray(SPECIES, a, ao + i).fma(FloatVector.fromArray(SPECIES, b, bo + i), acc0);
            }
            s = Lanes.sum(acc0.add(acc1).add(acc2.add(acc3)));
        }
        for (; i < n; i++) {
            s = Math.fma(a[ao + i], b[bo + i], s);
        }
        return s;
    }

    @Override
    public float sumSquares(float[] a, int ao, int n) {
        return dot(a, ao, a, ao, n);
    }

    @Override
    public float sum(float[] x, int xo, int n) {
        int i = 0;
        float s = 0;
        if (n > 2 * LANES) {
            FloatVector acc0 = FloatVector.zero(SPECIES);
            FloatVector acc1 = FloatVector.zero(SPECIES);
            int bound2 = n - 2 * LANES;
            for (; i <= bound2; i += 2 * LANES) {
                acc0 = acc0.add(FloatVector.fromArray(SPECIES, x, xo + i));
                acc1 = acc1.add(FloatVector.fromArray(SPECIES, x, xo + i + LANES));
            }
            s = Lanes.sum(acc0.add(acc1));
        }
        for (; i < n; i++) {
            s += x[xo + i];
        }
        return s;
    }

    @Override
    public float max(float[] x, int xo, int n) {
        int i = 0;
        float m = Float.NEGATIVE_INFINITY;
        if (n > 2 * LANES) {
            FloatVector acc = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
            int bound = SPECIES.loopBound(n);
            for (; i < bound; i += LANES) {
                acc = acc.lanewise(VectorOperators.MAX, FloatVector.fromArray(SPECIES, x, xo + i));
            }
            m = acc.reduceLanes(VectorOperators.MAX);
        }
        for (; i < n; i++) {
            m = Math.max(m, x[xo + i]);
        }
        return m;
    }

    @Override
    public void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        int i = 0;
        if (n > 2 * LANES) {
            FloatVector va = FloatVector.broadcast(SPECIES, alpha);
            int bound = SPECIES.loopBound(n);
            for (; i < bound; i += LANES) {
                va.fma(FloatVector.fromArray(SPECIES, x, xo + i), FloatVector.fromArray(SPECIES, y, yo + i))
                        .intoArray(y, yo + i);
            }
        }
        for (; i < n; i++) {
            y[yo + i] = Math.fma(alpha, x[xo + i], y[yo + i]);
        }
    }

    /** Four vectors of y at a time held in registers over all the rows; the tail of y in sequence. */
    @Override
    public void weightedRowSum(float[] p, int po, int rows, float[] a, int ao, int stride, float[] y, int yo, int n) {
        int i = 0;
        for (; i + 4 * LANES <= n; i += 4 * LANES) {
            FloatVector y0 = FloatVector.fromArray(SPECIES, y, yo + i);
            FloatVector y1 = FloatVector.fromArray(SPECIES, y, yo + i + LANES);
            FloatVector y2 = FloatVector.fromArray(SPECIES, y, yo + i + 2 * LANES);
            FloatVector y3 = FloatVector.fromArray(SPECIES, y, yo + i + 3 * LANES);
            for (int j = 0; j < rows; j++) {
                FloatVector w = FloatVector.broadcast(SPECIES, p[po + j]);
                int r = ao + j * stride + i;
                y0 = FloatVector.fromArray(SPECIES, a, r).fma(w, y0);
                y1 = FloatVector.fromArray(SPECIES, a, r + LANES).fma(w, y1);
                y2 = FloatVector.fromArray(SPECIES, a, r + 2 * LANES).fma(w, y2);
                y3 = FloatVector.fromArray(SPECIES, a, r + 3 * LANES).fma(w, y3);
            }
            y0.intoArray(y, yo + i);
            y1.intoArray(y, yo + i + LANES);
            y2.intoArray(y, yo + i + 2 * LANES);
            y3.intoArray(y, yo + i + 3 * LANES);
        }
        for (; i + LANES <= n; i += LANES) {
            FloatVector y0 = FloatVector.fromArray(SPECIES, y, yo + i);
            for (int j = 0; j < rows; j++) {
                y0 = FloatVector.fromArray(SPECIES, a, ao + j * stride + i).fma(FloatVector.broadcast(SPECIES, p[po + j]), y0);
            }
            y0.intoArray(y, yo + i);
        }
        for (; i < n; i++) {
            float s = y[yo + i];
            for (int j = 0; j < rows; j++) {
                s = Math.fma(p[po + j], a[ao + j * stride + i], s);
            }
            y[yo + i] = s;
        }
    }

    @Override
    public float expShifted(float[] x, int xo, int n, float shift) {
        int i = 0;
        float s = 0;
        if (n > 2 * LANES) {
            FloatVector vs = FloatVector.broadcast(SPECIES, shift);
            FloatVector acc = FloatVector.zero(SPECIES);
            int bound = SPECIES.loopBound(n);
            for (; i < bound; i += LANES) {
                FloatVector e = exp(FloatVector.fromArray(SPECIES, x, xo + i).sub(vs));
                e.intoArray(x, xo + i);
                acc = acc.add(e);
            }
            s = Lanes.sum(acc);
        }
        for (; i < n; i++) {
            x[xo + i] = (float) Math.exp(x[xo + i] - shift);
            s += x[xo + i];
        }
        return s;
    }

    @Override
    public void sigmoidGate(float[] x, int xo, int n, float a, float b) {
        int i = 0;
        if (n > 2 * LANES) {
            FloatVector va = FloatVector.broadcast(SPECIES, a);
            FloatVector vb = FloatVector.broadcast(SPECIES, b);
            FloatVector one = FloatVector.broadcast(SPECIES, 1f);
            int bound = SPECIES.loopBound(n);
            for (; i < bound; i += LANES) {
                FloatVector v = FloatVector.fromArray(SPECIES, x, xo + i);
                FloatVector z = v.mul(v).fma(vb, va).mul(v);
                v.div(exp(z.neg()).add(one)).intoArray(x, xo + i);
            }
        }
        for (; i < n; i++) {
            double v = x[xo + i];
            x[xo + i] = (float) (v / (1.0 + Math.exp(-v * (a + b * v * v))));
        }
    }

    @Override
    public void swiGlu(float[] gate, int go, float[] up, int uo, float[] out, int oo, int n) {
        int i = 0;
        // Over the same elements as expShifted's vector loop, so a row gets the bits it got through expShifted.
        if (n > 2 * LANES) {
            FloatVector one = FloatVector.broadcast(SPECIES, 1f);
            for (int bound = SPECIES.loopBound(n); i < bound; i += LANES) {
                FloatVector g = FloatVector.fromArray(SPECIES, gate, go + i);
                g.div(exp(g.neg()).add(one)).mul(FloatVector.fromArray(SPECIES, up, uo + i)).intoArray(out, oo + i);
            }
        }
        for (; i < n; i++) {
            float g = gate[go + i];
            out[oo + i] = g / (1f + (float) Math.exp(-g)) * up[uo + i];
        }
    }

    /**
     * exp from IEEE adds, multiplies and FMAs only (Cephes expf: x = k·ln2 + r with |r| ≤ ln2/2, a degree-6
     * polynomial for e^r, then 2^k applied in two halves so overflow and gradual underflow come out right).
     * Vector API's own EXP is not used: before C2 compiles it, it falls back to Math.exp per lane, after, to
     * Intel's SVML, and the two differ in the last bit, so results would depend on JIT warm-up.
     */
    private static FloatVector exp(FloatVector x) {
        FloatVector v = x.lanewise(VectorOperators.MAX, -104f).lanewise(VectorOperators.MIN, 89f);
        // k = round(v·log2 e) lands in the low mantissa bits of t, so its integer comes from the bits: JDK 17's C2
        // has no vector F2I conversion, and Vector.convert(F2I) there runs lane by lane on boxed vectors.
        FloatVector t = v.fma(FloatVector.broadcast(SPECIES, 1.44269504088896341f), FloatVector.broadcast(SPECIES, ROUNDER));
        FloatVector k = t.sub(ROUNDER);
        FloatVector r = k.fma(FloatVector.broadcast(SPECIES, -0.693359375f), v)
                .add(k.mul(2.12194440e-4f));
        FloatVector p = FloatVector.broadcast(SPECIES, 1.9875691500e-4f);
        p = p.fma(r, FloatVector.broadcast(SPECIES, 1.3981999507e-3f));
        p = p.fma(r, FloatVector.broadcast(SPECIES, 8.3334519073e-3f));
        p = p.fma(r, FloatVector.broadcast(SPECIES, 4.1665795894e-2f));
        p = p.fma(r, FloatVector.broadcast(SPECIES, 1.6666665459e-1f));
        p = p.fma(r, FloatVector.broadcast(SPECIES, 5.0000001201e-1f));
        FloatVector e = p.mul(r.mul(r)).add(r).add(1f);
        IntVector ki = t.reinterpretAsInts().sub(ROUNDER_BITS);
        IntVector half = ki.lanewise(VectorOperators.ASHR, 1);
        FloatVector scale1 = half.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector scale2 = ki.sub(half).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return e.mul(scale1).mul(scale2);
    }

    /** 1.5·2^23: adding and subtracting it rounds a float of magnitude below 2^22 to the nearest integer. */
    private static final float ROUNDER = 12582912f;
    private static final int ROUNDER_BITS = Float.floatToRawIntBits(ROUNDER);
}
