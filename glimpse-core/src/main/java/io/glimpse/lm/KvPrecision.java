package io.glimpse.lm;

/**
 * How a {@link KvCache} stores keys and values: f32, or f16 (IEEE half), which halves the memory a cached token takes
 * so long videos fit, at the cost of rounding every key and value to 11 significant bits once when it is cached.
 * Attention widens f16 back to f32 before it multiplies, one layer at a time.
 */
public enum KvPrecision {
    F32(Float.BYTES), F16(Short.BYTES);

    private final int bytes;

    KvPrecision(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes of one stored element. */
    public int bytes() {
        return bytes;
    }
}
