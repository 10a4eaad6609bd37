package io.glimpse.server;

import io.glimpse.lm.KvCache;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Decoder KV caches of finished generations, each with what its slots hold (one key per row: a text token id, or a
 * visual row's media-and-pipeline hash with its index) and their position ids. A new prompt continues from the entry
 * sharing its longest prefix, so a follow-up turn prefills only what is new. Bounded by bytes, least recently used
 * out first.
 */
final class PrefixCache {
    /** A cached conversation: {@code keys[i]} and {@code positions[i]} describe slot i of {@code cache}. */
    record Entry(long id, long[] keys, int[] positions, KvCache cache) {
    }

    /** The entry and how many of its first rows the new prompt shares. */
    record Hit(Entry entry, int rows) {
        /** A fresh cache of {@code capacity} slots holding the shared rows. */
        KvCache continuation(int capacity) {
            int next = 0;
            for (int i = 0; i < rows; i++) {
                next = Math.max(next, entry.positions()[i] + 1);
            }
            return entry.cache().prefix(rows, next, capacity);
        }
    }

    private final WeightedLru<Long, Entry> entries;
    private final AtomicLong ids = new AtomicLong();

    PrefixCache(long bytes) {
        entries = new WeightedLru<>(bytes, e -> e.cache().bytes());
    }

    /**
     * The entry sharing the most leading rows with {@code keys}/{@code positions}, at most {@code limit} of them, or
     * null when none shares any.
     */
    Hit longest(long[] keys, int[] positions, int limit) {
        Entry best = null;
        int bestRows = 0;
        for (Entry e : entries.values()) {
            int n = Math.min(Math.min(limit, keys.length), e.keys().length);
            int common = 0;
            while (common < n && e.keys()[common] == keys[common] && e.positions()[common] == positions[common]) {
                common++;
            }
            if (common > bestRows) {
                best = e;
                bestRows = common;
            }
        }
        if (best == null) {
            return null;
        }
        entries.touch(best.id());
        return new Hit(best, bestRows);
    }

    void put(long[] keys, int[] positions, KvCache cache) {
        if (keys.length != cache.length(0) || positions.length != keys.length) {
            throw new IllegalArgumentException("a prefix entry describes " + keys.length + " rows of a cache holding " + cache.length(0));
        }
        long id = ids.incrementAndGet();
        entries.put(id, new Entry(id, keys, positions, cache));
    }
}
