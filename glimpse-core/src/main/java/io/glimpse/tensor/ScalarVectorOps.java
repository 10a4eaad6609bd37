package io.glimpse.tensor;

/** Plain-loop kernels: the fallback when the Vector API is absent and the reference the vector path is tested against. */
public final class ScalarVectorOps implements VectorOps {
    @Override
    public float dot(float[] a, int ao, float[] b, int bo, int n) {
        float s = 0;
        for (int i = 0; i < n; i++) {
            s += a[ao + i] * b[bo + i];
        }
        return s;
    }

    @Override
    public float sumSquares(float[] a, int ao, int n) {
        float s = 0;
        for (int i = 0; i < n; i++) {
            s += a[ao + i] * a[ao + i];
        }
        return s;
    }

    @Override
    public float sum(float[] x, int xo, int n) {
        float s = 0;
        for (int i = 0; i < n; i++) {
            s += x[xo + i];
        }
        return s;
    }

    @Override
    public float max(float[] x, int xo, int n) {
        float m = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            m = Math.max(m, x[xo + i]);
        }
        return m;
    }

    @Override
    public void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) {
            y[yo + i] += alpha * x[xo + i];
        }
    }

    @Override
    public void weightedRowSum(float[] p, int po, int rows, float[] a, int ao, int stride, float[] y, int yo, int n) {
        for (int j = 0; j < rows; j++) {
            axpy(p[po + j], a, ao + j * stride, y, yo, n);
        }
    }

    @Override
    public float expShifted(float[] x, int xo, int n, float shift) {
        float s = 0;
        for (int i = 0; i < n; i++) {
            x[xo + i] = (float) Math.exp(x[xo + i] - shift);
            s += x[xo + i];
        }
        return s;
    }

    @Override
    public void sigmoidGate(float[] x, int xo, int n, float a, float b) {
        for (int i = xo; i < xo + n; i++) {
            double v = x[i];
            x[i] = (float) (v / (1.0 + Math.exp(-v * (a + b * v * v))));
        }
    }

    @Override
    public void swiGlu(float[] gate, int go, float[] up, int uo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            float g = gate[go + i];
            out[oo + i] = g / (1f + (float) Math.exp(-g)) * up[uo + i];
        }
    }
}
