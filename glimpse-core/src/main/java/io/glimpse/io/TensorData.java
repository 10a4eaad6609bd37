package io.glimpse.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * One named tensor: dtype, shape and its little-endian bytes (a read-only view, possibly memory-mapped).
 */
public record TensorData(String name, DType dtype, long[] shape, ByteBuffer data) {

    public TensorData {
        data = data.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        long expected = elementCount(shape) * dtype.bytes();
        if (expected != data.remaining()) {
            throw new IllegalArgumentException("tensor '" + name + "' of shape " + Arrays.toString(shape) + " and dtype "
                    + dtype + " needs " + expected + " bytes, has " + data.remaining());
        }
    }

    public static long elementCount(long[] shape) {
        long c = 1;
        for (long s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            c = Math.multiplyExact(c, s);
        }
        return c;
    }

    public long elements() {
        return elementCount(shape);
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int i) {
        return Math.toIntExact(shape[i]);
    }

    public static TensorData ofFloats(String name, float[] values, long... shape) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return new TensorData(name, DType.F32, shape, b);
    }

    public static TensorData ofInts(String name, int[] values, long... shape) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(values);
        return new TensorData(name, DType.I32, shape, b);
    }

    public static TensorData ofDoubles(String name, double[] values, long... shape) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asDoubleBuffer().put(values);
        return new TensorData(name, DType.F64, shape, b);
    }

    /** Values widened or narrowed to float32; integers are converted exactly where they fit. */
    /**
     * This tensor, checked to hold real numbers where they are meant (embeddings, scores, attention): an integer or
     * BOOL tensor there is a wrong file, not something to convert.
     */
    public TensorData requireFloating(Path file) {
        if (!dtype.isFloating()) {
            throw new BadInputException(file + ": '" + name + "' holds " + dtype
                    + " values; it must be a floating-point tensor (F32, F16, BF16 or F64)");
        }
        return this;
    }

    public float[] toFloats() {
        int count = Math.toIntExact(elements());
        float[] out = new float[count];
        ByteBuffer b = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            out[i] = switch (dtype) {
                case F32 -> b.getFloat(i * 4);
                case F64 -> (float) b.getDouble(i * 8);
                case F16 -> HalfFloats.halfToFloat(b.getShort(i * 2));
                case BF16 -> HalfFloats.bf16ToFloat(b.getShort(i * 2));
                case I8 -> b.get(i);
                case U8, BOOL -> b.get(i) & 0xff;
                case I16 -> b.getShort(i * 2);
                case U16 -> b.getShort(i * 2) & 0xffff;
                case I32 -> b.getInt(i * 4);
                case U32 -> b.getInt(i * 4) & 0xffffffffL;
                case I64 -> b.getLong(i * 8);
                case U64 -> (float) unsigned(b.getLong(i * 8));
            };
        }
        return out;
    }

    private static double unsigned(long v) {
        return v >= 0 ? v : (v >>> 1) * 2.0 + (v & 1);
    }

    public double[] toDoubles() {
        int count = Math.toIntExact(elements());
        double[] out = new double[count];
        ByteBuffer b = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (dtype == DType.F64) {
            for (int i = 0; i < count; i++) {
                out[i] = b.getDouble(i * 8);
            }
            return out;
        }
        if (dtype == DType.I64) {
            for (int i = 0; i < count; i++) {
                out[i] = b.getLong(i * 8);
            }
            return out;
        }
        float[] f = toFloats();
        for (int i = 0; i < count; i++) {
            out[i] = f[i];
        }
        return out;
    }

    /** Integer values; floating tensors are rejected rather than rounded silently. */
    public int[] toInts() {
        int count = Math.toIntExact(elements());
        int[] out = new int[count];
        ByteBuffer b = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            long v = switch (dtype) {
                case I8 -> b.get(i);
                case U8, BOOL -> b.get(i) & 0xff;
                case I16 -> b.getShort(i * 2);
                case U16 -> b.getShort(i * 2) & 0xffff;
                case I32 -> b.getInt(i * 4);
                case U32 -> b.getInt(i * 4) & 0xffffffffL;
                case I64, U64 -> b.getLong(i * 8);
                default -> throw new BadInputException("tensor '" + name + "' is " + dtype + ", expected an integer dtype");
            };
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                throw new BadInputException("tensor '" + name + "' holds " + v + ", which does not fit in int");
            }
            out[i] = (int) v;
        }
        return out;
    }

    @Override
    public String toString() {
        return name + ":" + dtype + Arrays.toString(shape);
    }
}
