package io.glimpse.lm;

/**
 * Keys (after RoPE) and values of every token a decoder has seen, per layer and key/value head, laid out
 * [layer][kv head][slot][head dim] so one head's keys are a contiguous matrix for the attention GEMMs. Layers
 * hold different numbers of tokens once in-LLM pruning has removed tokens from the layers after it. Only
 * {@link #append} and {@link #retain} write it; attention reads a layer's keys and values through {@link #keys} and {@link #values}.
 */
public final class KvCache {
    private final int capacity;
    private final int kvHeads;
    private final int headDim;
    private final float[][] keys;
    private final float[][] values;
    private final int[] length;
    /** The opt-in rotary scheme of this conversation, or null. */
    private final RotaryLayout layout;
    /** Keys before rotation, same layout as {@link #keys}, kept only under Vista for text queries over visual keys. */
    private final float[][] rawKeys;
    /** Position id of every slot (slots are the same in every layer, as a layout rules out pruning), or null. */
    private final int[] slotPositions;
    private int nextPosition;

    KvCache(int layers, int kvHeads, int headDim, int capacity) {
        this(layers, kvHeads, headDim, capacity, null);
    }

    KvCache(int layers, int kvHeads, int headDim, int capacity, RotaryLayout layout) {
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
        keys = new float[layers][(int) size];
        values = new float[layers][(int) size];
        length = new int[layers];
        this.layout = layout;
        rawKeys = layout != null && layout.kind() == RotaryLayout.Kind.VISTA ? new float[layers][(int) size] : null;
        slotPositions = layout != null ? new int[capacity] : null;
    }

    /** The rotary scheme the cache was made with, or null for plain RoPE. */
    public RotaryLayout layout() {
        return layout;
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
        KvCache out = new KvCache(keys.length, kvHeads, headDim, capacity);
        for (int l = 0; l < keys.length; l++) {
            for (int g = 0; g < kvHeads; g++) {
                System.arraycopy(keys[l], offset(g, 0), out.keys[l], out.offset(g, 0), tokens * headDim);
                System.arraycopy(values[l], offset(g, 0), out.values[l], out.offset(g, 0), tokens * headDim);
            }
            out.length[l] = tokens;
        }
        out.nextPosition = nextPosition;
        return out;
    }

    /** Bytes the cache's key and value arrays take. */
    public long bytes() {
        return 2L * keys.length * kvHeads * capacity * headDim * Float.BYTES;
    }

    /** Whether the cache was made for a decoder of this shape. */
    boolean fits(int layers, int kvHeads, int headDim) {
        return keys.length == layers && this.kvHeads == kvHeads && this.headDim == headDim;
    }

    int headDim() {
        return headDim;
    }

    /** Where kv head {@code kvHead}'s slot {@code slot} starts in a layer's {@link #keys} and {@link #values}. */
    int offset(int kvHead, int slot) {
        return (kvHead * capacity + slot) * headDim;
    }

    float[] keys(int layer) {
        return keys[layer];
    }

    float[] values(int layer) {
        return values[layer];
    }

    /** Unrotated keys of {@code layer}, or null when the cache keeps none (every scheme but Vista). */
    float[] rawKeys(int layer) {
        return rawKeys == null ? null : rawKeys[layer];
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
                    System.arraycopy(rawQkv, from, rawKeys[layer], offset(g, past + r), headDim);
                }
                System.arraycopy(qkv, from, keys[layer], offset(g, past + r), headDim);
                System.arraycopy(qkv, from + kvWidth, values[layer], offset(g, past + r), headDim);
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
        for (int l = 0; l < keys.length; l++) {
            if (length[l] < appended) {
                throw new IllegalArgumentException("layer " + l + " holds " + length[l] + " slots, not the " + appended + " appended");
            }
            int base = length[l] - appended;
            for (int i = 0; i < kept.length; i++) {
                for (int g = 0; g < kvHeads; g++) {
                    int from = offset(g, base + kept[i]);
                    int to = offset(g, base + i);
                    System.arraycopy(keys[l], from, keys[l], to, headDim);
                    System.arraycopy(values[l], from, values[l], to, headDim);
                    if (rawKeys != null) {
                        System.arraycopy(rawKeys[l], from, rawKeys[l], to, headDim);
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
