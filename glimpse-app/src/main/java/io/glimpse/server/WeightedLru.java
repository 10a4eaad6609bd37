package io.glimpse.server;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * A least-recently-used map bounded by the summed weight (bytes) of its values; an entry heavier than the whole
 * bound is not kept. Thread-safe: every operation holds the map's lock, which is short (no computing inside).
 */
final class WeightedLru<K, V> {
    private final long capacity;
    private final ToLongFunction<V> weigher;
    private final LinkedHashMap<K, V> map = new LinkedHashMap<>(16, 0.75f, true);
    private long weight;

    WeightedLru(long capacity, ToLongFunction<V> weigher) {
        this.capacity = capacity;
        this.weigher = weigher;
    }

    synchronized V get(K key) {
        return map.get(key);
    }

    synchronized void put(K key, V value) {
        long w = weigher.applyAsLong(value);
        V old = map.remove(key);
        if (old != null) {
            weight -= weigher.applyAsLong(old);
        }
        if (w > capacity) {
            return;
        }
        map.put(key, value);
        weight += w;
        Iterator<Map.Entry<K, V>> it = map.entrySet().iterator();
        while (weight > capacity && it.hasNext()) {
            Map.Entry<K, V> eldest = it.next();
            weight -= weigher.applyAsLong(eldest.getValue());
            it.remove();
        }
    }

    /** The values, least recently used first, without touching their order. */
    synchronized List<V> values() {
        return new ArrayList<>(map.values());
    }

    /** Marks {@code key} as just used. */
    synchronized void touch(K key) {
        map.get(key);
    }

    synchronized long weight() {
        return weight;
    }

    synchronized int size() {
        return map.size();
    }
}
