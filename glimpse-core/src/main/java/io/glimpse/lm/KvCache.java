package io.glimpse.lm;

/**
 * Keys (after RoPE) and values of every token a decoder has seen, per layer and key/value head, laid out
 * [layer][kv head][slot][head dim] so one head's keys are a contiguous matrix for the attention GEMMs. Layers
 * hold different numbers of tokens once in-LLM pruning has removed tokens from the layers after it. Only
 * {@link #append} and {@link #retain} write it; attention reads a layer's keys and values through {@link #keys} and
 * {@link #values}, as f32 whatever the {@link KvPrecision} (an f16 cache widens the layer asked for into one layer of
 * f32 scratch, kept until another layer is asked for or the cache changes).
 */
public final class KvCache {
    private final int capacity;
    private final int kvHeads;
    private final int headDim;
    private final KvPrecision precision;
    private final KvStore keys;
    private final KvStore values;
    private final int[] length;
    /** The opt-in rotary scheme of this conversation, or null. */
    private final RotaryLayout layout;
    /** Keys before rotation, same layout as {@link #keys}, kept only under Vista for text queries over visual keys. */
    private final KvStore rawKeys;
    /** Position id of every slot (slots are the same in every layer, as a layout rules out pruning), or null. */
    private final int[] slotPositions;
    private int nextPosition;

    KvCache(int layers, int kvHeads, int headDim, int capacity) {
        this(layers, kvHeads, headDim, capacity, null, KvPrecision.F32);
    }

    KvCache(int layers, int kvHeads, int headDim, int capacity, RotaryLayout layout, KvPrecision precision) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("cache capacity must be positive, got " + capacity);
        }
        this.capacity = capacity;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        long size = (long) kvHeads * capacity * headDim;
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("cache of " + capacity + " tokens is too large for one array per layer");
        }
        this.precision = precision;
        keys = new KvStore(precision, layers, (int) size);
        values = new KvStore(precision, layers, (int) size);
        length = new int[layers];
        this.layout = layout;
        rawKeys = layout != null && layout.kind() == RotaryLayout.Kind.VISTA ? new KvStore(precision, layers, (int) size) : null;
        slotPositions = layout != null ? new int[capacity] : null;
    }

    /** The rotary scheme the cache was made with, or null for plain RoPE. */
    public RotaryLayout layout() {
        return layout;
    }

    public KvPrecision precision() {
        return precision;
    }

    /** Tokens the cache can hold per layer. */
    public int capacity() {
        return capacity;
    }

    /** Tokens cached in {@code layer}. */
    public int length(int layer) {
        return length[layer];
    }

    /** The position id the next token gets unless the caller says otherwise. */
    public int nextPosition() {
        return nextPosition;
    }

    void setNextPosition(int p) {
        nextPosition = p;
    }

    /**
     * A new cache of {@code capacity} slots holding this cache's first {@code tokens} slots of every layer, its next
     * position {@code nextPosition}: the shared prefix of a conversation, continued without running it again. This
     * cache is only read, so one prefix can seed several continuations.
     *
     * @throws IllegalStateException    when layers hold different numbers of tokens (in-LLM pruning) or a rotary
     *                                  layout numbers the slots
     * @throws IllegalArgumentException when {@code tokens} exceeds what the cache holds or {@code capacity}
     */
    public KvCache prefix(int tokens, int nextPosition, int capacity) {
        if (layout != null || java.util.Arrays.stream(length).anyMatch(n -> n != length[0])) {
            throw new IllegalStateException("only a cache without rotary layout whose layers hold the same tokens has a prefix");
        }
        if (tokens < 0 || tokens > length[0] || tokens > capacity || nextPosition < 0) {
            throw new IllegalArgumentException("prefix of " + tokens + " tokens at next position " + nextPosition + " from a cache holding "
                    + length[0] + ", into " + capacity + " slots");
        }
        KvCache out = new KvCache(length.length, kvHeads, headDim, capacity, null, precision);
        for (int l = 0; l < length.length; l++) {
            for (int g = 0; g < kvHeads; g++) {
                keys.copyTo(out.keys, l, offset(g, 0), out.offset(g, 0), tokens * headDim);
                values.copyTo(out.values, l, offset(g, 0), out.offset(g, 0), tokens * headDim);
            }
            out.length[l] = tokens;
        }
        out.nextPosition = nextPosition;
        return out;
    }

    /** Bytes the cache's key and value arrays take (all slots, and an f16 cache's one layer of f32 scratch). */
    public long bytes() {
        return keys.bytes() + values.bytes() + (rawKeys == null ? 0 : rawKeys.bytes());
    }

    /** Bytes one cached token takes: its keys and values (and unrotated keys under Vista) in every layer. */
    public long bytesPerToken() {
        return (rawKeys == null ? 2L : 3L) * length.length * kvHeads * headDim * precision.bytes();
    }

    /** Whether the cache was made for a decoder of this shape. */
    boolean fits(int layers, int kvHeads, int headDim) {
        return length.length == layers && this.kvHeads == kvHeads && this.headDim == headDim;
    }

    int headDim() {
        return headDim;
    }

    /** Where kv head {@code kvHead}'s slot {@code slot} starts in a layer's {@link #keys} and {@link #values}. */
    int offset(int kvHead, int slot) {
        return (kvHead * capacity + slot) * headDim;
    }

    /** Keys of {@code layer} as f32, at {@link #offset}; slots at or beyond the layer's length are unspecified. */
    float[] keys(int layer) {
        return keys.floats(layer, kvHeads, capacity * headDim, length[layer] * headDim);
    }

    float[] values(int layer) {
        return values.floats(layer, kvHeads, capacity * headDim, length[layer] * headDim);
    }

    /** Unrotated keys of {@code layer}, or null when the cache keeps none (every scheme but Vista). */
    float[] rawKeys(int layer) {
        return rawKeys == null ? null : rawKeys.floats(layer, kvHeads, capacity * headDim, length[layer] * headDim);
    }

    boolean keepsRawKeys() {
        return rawKeys != null;
    }

    /** The position id of slot {@code slot}; only under a rotary layout. */
    int slotPosition(int slot) {
        return slotPositions[slot];
    }

    /**
     * Appends {@code rows} tokens to {@code layer}: keys and values from rows of {@code qkv} laid out
     * [queries (kvStart) | keys (kvHeads·headDim) | values], unrotated keys from the same place in {@code rawQkv}
     * when the cache keeps them, and the tokens' position ids.
     *
     * @throws IllegalStateException when the layer has no room for them
     */
    void append(int layer, float[] qkv, float[] rawQkv, int qkvWidth, int kvStart, int rows, int[] positions) {
        int past = length[layer];
        if (past + rows > capacity) {
            throw new IllegalStateException("KV cache of " + capacity + " tokens cannot take " + rows + " more after " + past);
        }
        int kvWidth = kvHeads * headDim;
        for (int r = 0; r < rows; r++) {
            for (int g = 0; g < kvHeads; g++) {
                int from = r * qkvWidth + kvStart + g * headDim;
                if (rawKeys != null) {
                    rawKeys.write(layer, rawQkv, from, offset(g, past + r), headDim);
                }
                keys.write(layer, qkv, from, offset(g, past + r), headDim);
                values.write(layer, qkv, from + kvWidth, offset(g, past + r), headDim);
            }
        }
        length[layer] = past + rows;
        if (slotPositions != null) {
            System.arraycopy(positions, 0, slotPositions, past, rows);
        }
    }

    /**
     * Keeps, of the last {@code appended} slots of every layer, those at offsets {@code kept} (ascending), moved down
     * to follow the slots before them, and drops the rest: the accepted path of a verified draft tree, made
     * contiguous as if it had been decoded token by token.
     *
     * @param nextPosition the position id the next token gets
     * @throws IllegalArgumentException when a layer holds fewer than {@code appended} slots or {@code kept} is not
     *                                  ascending within [0, appended)
     */
    void retain(int appended, int[] kept, int nextPosition) {
        for (int i = 0; i < kept.length; i++) {
            if (kept[i] < 0 || kept[i] >= appended || (i > 0 && kept[i] <= kept[i - 1])) {
                throw new IllegalArgumentException("kept offsets " + java.util.Arrays.toString(kept) + " are not ascending within [0, "
                        + appended + ")");
            }
        }
        for (int l = 0; l < length.length; l++) {
            if (length[l] < appended) {
                throw new IllegalArgumentException("layer " + l + " holds " + length[l] + " slots, not the " + appended + " appended");
            }
            int base = length[l] - appended;
            for (int i = 0; i < kept.length; i++) {
                for (int g = 0; g < kvHeads; g++) {
                    int from = offset(g, base + kept[i]);
                    int to = offset(g, base + i);
                    keys.move(l, from, to, headDim);
                    values.move(l, from, to, headDim);
                    if (rawKeys != null) {
                        rawKeys.move(l, from, to, headDim);
                    }
                }
                if (slotPositions != null && l == 0) {
                    slotPositions[base + i] = slotPositions[base + kept[i]];
                }
            }
            length[l] = base + kept.length;
        }
        this.nextPosition = nextPosition;
    }
}
