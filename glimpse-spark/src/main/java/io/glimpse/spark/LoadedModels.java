package io.glimpse.spark;

import io.glimpse.clip.QueryScorer;
import io.glimpse.job.TowerEncoder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The checkpoints of corpus runs, each loaded once per JVM and shared by every task the JVM runs (an executor runs
 * many videos, concurrently on its cores; loading a tower per video would cost more than encoding it). Keyed by what
 * they were loaded from, and kept for the JVM's life: a run uses one tower and one query. Concurrent tasks asking for
 * the same key wait for the one load; a failed load is not kept, so a retried task tries again.
 */
public final class LoadedModels {
    private record Query(Path model, String text) {
    }

    private static final ConcurrentMap<TowerEncoder.Settings, TowerEncoder> TOWERS = new ConcurrentHashMap<>();
    private static final ConcurrentMap<Query, QueryScorer> SCORERS = new ConcurrentHashMap<>();
    private static final AtomicInteger LOADS = new AtomicInteger();

    private LoadedModels() {
    }

    public static TowerEncoder tower(TowerEncoder.Settings s) throws IOException {
        return load(TOWERS, s, () -> TowerEncoder.load(s));
    }

    public static QueryScorer scorer(Path model, String text) throws IOException {
        return load(SCORERS, new Query(model, text), () -> QueryScorer.load(model, text));
    }

    /** Checkpoints this JVM has loaded so far (towers and query scorers). */
    static int loads() {
        return LOADS.get();
    }

    private interface Loader<V> {
        V load() throws IOException;
    }

    private static <K, V> V load(ConcurrentMap<K, V> loaded, K key, Loader<V> loader) throws IOException {
        try {
            return loaded.computeIfAbsent(key, k -> {
                try {
                    V v = loader.load();
                    LOADS.incrementAndGet();
                    return v;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
