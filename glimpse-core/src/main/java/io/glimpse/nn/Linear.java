package io.glimpse.nn;

import io.glimpse.tensor.Gemm;
import io.glimpse.tensor.Parallel;
import io.glimpse.tensor.WeightMatrix;
import io.glimpse.tensor.WeightStack;

import java.lang.foreign.MemorySegment;

/**
 * A linear layer y = x·Wᵀ + b with W stored [out × in] as in Hugging Face checkpoints. Two forms of the weight, by how
 * the layer is used: {@link #prepared} hands W to the GEMM backend once (encoders and projectors, which always see many
 * rows); {@link #stored} keeps W where and how it is stored (a view into a mapped checkpoint, f32, f16, bf16 or
 * quantized, {@link WeightStack}) and runs one or two rows as a matrix-vector product that streams every weight once
 * (decoding, bound by memory bandwidth), up to 128 rows (sequences decoded together, a draft tree) by a product that
 * reads each weight once for all of them, and more rows through the GEMM, on f32 panels dequantized a tile at a time;
 * {@link #streamed} is the stored form of an f32 array, which the GEMM reads directly. Prepared and streamed layers
 * give the bits of the plain GEMM above 128 rows.
 */
public final class Linear {
    private final int out;
    private final int in;
    private final WeightStack stored;
    private final Gemm.Prepared prepared;
    private final float[] bias;
    private final Gemm gemm = Gemm.get();

    private Linear(int out, int in, WeightStack stored, Gemm.Prepared prepared, float[] bias) {
        if (bias != null && bias.length != out) {
            throw new IllegalArgumentException("bias of " + bias.length + " for " + out + " outputs");
        }
        this.out = out;
        this.in = in;
        this.stored = stored;
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
        return stored(WeightStack.of(new WeightMatrix.F32(out, in, MemorySegment.ofArray(w))), bias);
    }

    /** W as stored, the parts of a fused projection stacked by rows; bias may be null. */
    public static Linear stored(WeightStack w, float[] bias) {
        return new Linear(w.rows(), w.cols(), w, null, bias);
    }

    /** The stored weight, or null for a prepared layer. */
    public WeightStack weights() {
        return stored;
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
        } else {
            stored.multiplyTransposed(Parallel.current(), gemm, rows, x, xOffset, y, yOffset);
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
