package io.glimpse.io;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * One named tensor: dtype, shape and its little-endian bytes, a segment that may be a slice of a memory-mapped file
 * ({@link MappedFile}) of any size.
 */
public record TensorData(String name, DType dtype, long[] shape, MemorySegment segment) {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    public TensorData {
        segment = segment.asReadOnly();
        long expected = elementCount(shape) * dtype.bytes();
        if (expected != segment.byteSize()) {
            throw new IllegalArgumentException("tensor '" + name + "' of shape " + Arrays.toString(shape) + " and dtype "
                    + dtype + " needs " + expected + " bytes, has " + segment.byteSize());
        }
    }

    /** A tensor over the remaining bytes of {@code data}, which is not copied. */
    public TensorData(String name, DType dtype, long[] shape, ByteBuffer data) {
        this(name, dtype, shape, MemorySegment.ofBuffer(data));
    }

    /** The bytes as a read-only little-endian buffer (tensors under 2 GB). */
    public ByteBuffer data() {
        return segment.asByteBuffer().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
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

    /** Values widened or narrowed to float32; integers are converted exactly where they fit. */
    public float[] toFloats() {
        int count = Math.toIntExact(elements());
        float[] out = new float[count];
        MemorySegment b = segment;
        if (dtype == DType.F32) {
            MemorySegment.copy(b, F32, 0, out, 0, count);
            return out;
        }
        for (int i = 0; i < count; i++) {
            long at = (long) i * dtype.bytes();
            out[i] = switch (dtype) {
                case F32 -> b.get(F32, at);
                case F64 -> (float) b.get(F64, at);
                case F16 -> Float.float16ToFloat(b.get(I16, at));
                case BF16 -> HalfFloats.bf16ToFloat(b.get(I16, at));
                case I8 -> b.get(ValueLayout.JAVA_BYTE, at);
                case U8, BOOL -> b.get(ValueLayout.JAVA_BYTE, at) & 0xff;
                case I16 -> b.get(I16, at);
                case U16 -> b.get(I16, at) & 0xffff;
                case I32 -> b.get(I32, at);
                case U32 -> b.get(I32, at) & 0xffffffffL;
                case I64 -> b.get(I64, at);
                case U64 -> (float) unsigned(b.get(I64, at));
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
        if (dtype == DType.F64) {
            MemorySegment.copy(segment, F64, 0, out, 0, count);
            return out;
        }
        if (dtype == DType.I64) {
            for (int i = 0; i < count; i++) {
                out[i] = segment.get(I64, i * 8L);
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
        MemorySegment b = segment;
        for (int i = 0; i < count; i++) {
            long at = (long) i * dtype.bytes();
            long v = switch (dtype) {
                case I8 -> b.get(ValueLayout.JAVA_BYTE, at);
                case U8, BOOL -> b.get(ValueLayout.JAVA_BYTE, at) & 0xff;
                case I16 -> b.get(I16, at);
                case U16 -> b.get(I16, at) & 0xffff;
                case I32 -> b.get(I32, at);
                case U32 -> b.get(I32, at) & 0xffffffffL;
                case I64, U64 -> b.get(I64, at);
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
