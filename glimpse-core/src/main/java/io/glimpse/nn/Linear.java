package io.glimpse.nn;

import io.glimpse.tensor.Gemm;
import io.glimpse.tensor.MatVec;
import io.glimpse.tensor.VectorOps;

/**
 * A linear layer y = x·Wᵀ + b with W stored [out × in] as in Hugging Face checkpoints. Two forms of the weight, by how
 * the layer is used: {@link #prepared} hands W to the GEMM backend once (encoders and projectors, which always see many
 * rows), {@link #streamed} keeps W as loaded and runs one or two rows as a matrix-vector product that streams every
 * weight once (decoding, bound by memory bandwidth) and more rows through the GEMM. Both give the bits of the plain
 * GEMM for many rows; stored or quantised weights would be a third form here.
 */
public final class Linear {
    /** At or below this many rows a streamed layer is a matrix-vector product, without packing the weight. */
    private static final int GEMV_ROWS = 2;

    private final int out;
    private final int in;
    private final float[] weight;
    private final Gemm.Prepared prepared;
    private final float[] bias;
    private final Gemm gemm = Gemm.get();

    private Linear(int out, int in, float[] weight, Gemm.Prepared prepared, float[] bias) {
        if (bias != null && bias.length != out) {
            throw new IllegalArgumentException("bias of " + bias.length + " for " + out + " outputs");
        }
        this.out = out;
        this.in = in;
        this.weight = weight;
        this.prepared = prepared;
        this.bias = bias;
    }

    /** W [out × in] prepared for the GEMM backend (a copy: later changes to {@code w} do not reach it); bias may be null. */
    public static Linear prepared(float[] w, int out, int in, float[] bias) {
        return new Linear(out, in, null, Gemm.get().prepareTransposed(out, in, w, 0), bias);
    }

    /** W [out × in] kept as given, for layers that also run on one or two rows; bias may be null. */
    public static Linear streamed(float[] w, int out, int in, float[] bias) {
        if ((long) out * in != w.length) {
            throw new IllegalArgumentException(w.length + " weights are not " + out + " × " + in);
        }
        return new Linear(out, in, w, null, bias);
    }

    public int in() {
        return in;
    }

    public int out() {
        return out;
    }

    /** y[yOffset…] = x[xOffset…]·Wᵀ + b over {@code rows} rows. */
    public void apply(float[] x, int xOffset, int rows, float[] y, int yOffset) {
        if (prepared != null) {
            gemm.multiplyTransposed(rows, x, xOffset, prepared, y, yOffset);
        } else if (rows <= GEMV_ROWS && xOffset == 0 && yOffset == 0) {
            MatVec.multiplyTransposed(VectorOps.get(), rows, out, in, x, weight, y);
        } else {
            gemm.multiplyTransposed(rows, out, in, x, xOffset, weight, 0, y, yOffset);
        }
        if (bias != null) {
            Rows.blocks(rows, (r0, r1) -> Rows.addBias(y, yOffset + r0 * out, r1 - r0, out, bias));
        }
    }

    /** x·Wᵀ + b of {@code rows} rows of x, a new [rows × out] array. */
    public float[] apply(float[] x, int rows) {
        float[] y = new float[rows * out];
        apply(x, 0, rows, y, 0);
        return y;
    }
}
