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
    private int nextPosition;

    KvCache(int layers, int kvHeads, int headDim, int capacity) {
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

    int slot(int kvHead, int token) {
        return (kvHead * capacity + token) * headDim;
    }
}
