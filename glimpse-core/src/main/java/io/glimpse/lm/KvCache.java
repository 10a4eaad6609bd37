package io.glimpse.lm;

/**
 * Keys (after RoPE) and values of every token a decoder has seen, per layer and key/value head, laid out
 * [layer][kv head][slot][head dim] so one head's keys are a contiguous matrix for the attention GEMMs. Layers
 * hold different numbers of tokens once in-LLM pruning has removed tokens from the layers after it.
 */
public final class KvCache {
    final int capacity;
    final int kvHeads;
    final int headDim;
    final float[][] keys;
    final float[][] values;
    final int[] length;
    /** The opt-in rotary scheme of this conversation, or null. */
    final RotaryLayout layout;
    /** Keys before rotation, same layout as {@link #keys}, kept only under Vista for text queries over visual keys. */
    final float[][] rawKeys;
    /** Position id of every slot (slots are the same in every layer, as a layout rules out pruning), or null. */
    final int[] slotPositions;
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
                System.arraycopy(keys[l], slot(g, 0), out.keys[l], out.slot(g, 0), tokens * headDim);
                System.arraycopy(values[l], slot(g, 0), out.values[l], out.slot(g, 0), tokens * headDim);
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

    int slot(int kvHead, int token) {
        return (kvHead * capacity + token) * headDim;
    }
}
