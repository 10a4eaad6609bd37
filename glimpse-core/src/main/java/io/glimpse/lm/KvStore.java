package io.glimpse.lm;

/**
 * One of a {@link KvCache}'s planes (keys, values, or unrotated keys) in every layer, each layer one array in the
 * cache's {@link KvPrecision}. An f16 plane hands attention a layer as f32 by widening its used slots into one layer
 * of scratch, which stays valid until a write to that layer or a request for another layer.
 */
final class KvStore {
    private final float[][] f32;
    private final short[][] f16;
    private final int size;
    private float[] widened;
    private int widenedLayer = -1;

    KvStore(KvPrecision precision, int layers, int size) {
        this.size = size;
        f32 = precision == KvPrecision.F32 ? new float[layers][size] : null;
        f16 = precision == KvPrecision.F16 ? new short[layers][size] : null;
    }

    /** Copies {@code n} floats of {@code src} from {@code from} into layer {@code layer} at {@code to}, rounded if f16. */
    void write(int layer, float[] src, int from, int to, int n) {
        if (f32 != null) {
            System.arraycopy(src, from, f32[layer], to, n);
            return;
        }
        invalidate(layer);
        short[] dst = f16[layer];
        for (int i = 0; i < n; i++) {
            dst[to + i] = Float.floatToFloat16(src[from + i]);
        }
    }

    /** Moves {@code n} elements of layer {@code layer} from {@code from} to {@code to}. */
    void move(int layer, int from, int to, int n) {
        if (f32 != null) {
            System.arraycopy(f32[layer], from, f32[layer], to, n);
        } else {
            invalidate(layer);
            System.arraycopy(f16[layer], from, f16[layer], to, n);
        }
    }

    /** Copies {@code n} elements of layer {@code layer} into {@code dst} (of the same precision) at {@code to}. */
    void copyTo(KvStore dst, int layer, int from, int to, int n) {
        if (f32 != null) {
            System.arraycopy(f32[layer], from, dst.f32[layer], to, n);
        } else {
            dst.invalidate(layer);
            System.arraycopy(f16[layer], from, dst.f16[layer], to, n);
        }
    }

    /**
     * Layer {@code layer} as f32: the first {@code used} elements of each of {@code blocks} blocks of {@code stride}
     * (each kv head's filled slots) are valid, the rest unspecified. Heads of one attention call ask for the same layer
     * from several threads, so the first widens it and the others wait.
     */
    synchronized float[] floats(int layer, int blocks, int stride, int used) {
        if (f32 != null) {
            return f32[layer];
        }
        if (widenedLayer == layer) {
            return widened;
        }
        if (widened == null) {
            widened = new float[size];
        }
        short[] src = f16[layer];
        for (int b = 0; b < blocks; b++) {
            for (int i = b * stride, end = b * stride + used; i < end; i++) {
                widened[i] = Float.float16ToFloat(src[i]);
            }
        }
        widenedLayer = layer;
        return widened;
    }

    /** Bytes of the stored layers and the f32 scratch. */
    long bytes() {
        int layers = f32 != null ? f32.length : f16.length;
        return f32 != null ? (long) layers * size * Float.BYTES : (long) layers * size * Short.BYTES + (long) size * Float.BYTES;
    }

    private synchronized void invalidate(int layer) {
        if (widenedLayer == layer) {
            widenedLayer = -1;
        }
    }
}
