package io.glimpse.tensor;

import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * A number of threads for the data-parallel loops of decode and prefill ({@code --threads N}). A loop is split into
 * parts by its size and the thread count alone, and each output element is computed by one part in a fixed order, so
 * results are the same on every run with the same thread count.
 */
public final class Parallel {
    /**
     * Every core, on a pool of its own: the JVM's common pool has one worker fewer than the cores (it counts on the
     * caller to help, which a thread blocked in {@code join} does not), so on two cores it ran every loop on one.
     */
    private static final Parallel COMMON = new Parallel(new ForkJoinPool(Runtime.getRuntime().availableProcessors()),
            Runtime.getRuntime().availableProcessors());

    private final ForkJoinPool pool;
    private final int threads;

    private Parallel(ForkJoinPool pool, int threads) {
        this.pool = pool;
        this.threads = threads;
    }

    /**
     * The every-core pool's spinning helpers, started on its first loop; only that pool has them, so none are started
     * per request.
     */
    private static final class CommonCrew {
        static final Crew CREW = new Crew(COMMON.threads - 1);
    }

    /**
     * The pool the calling code runs in: the one {@link #run} entered, else every core ({@link #of} of them). So
     * {@code --threads N} reaches every loop of a job, OpenBLAS's Java-side split included, by running the job inside.
     */
    public static Parallel current() {
        ForkJoinPool p = java.util.concurrent.ForkJoinTask.inForkJoinPool() ? java.util.concurrent.ForkJoinTask.getPool() : null;
        return p == null || p == ForkJoinPool.commonPool() || p == COMMON.pool ? COMMON : new Parallel(p, p.getParallelism());
    }

    /** Runs {@code job} with every parallel loop inside it on this pool's threads. */
    public <T> T run(java.util.concurrent.Callable<T> job) throws Exception {
        if (java.util.concurrent.ForkJoinTask.getPool() == pool) {
            return job.call();
        }
        try {
            return pool.submit(job).get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e.getCause() instanceof Exception x ? x : e;
        }
    }

    /**
     * A pool of its own with {@code threads} workers.
     *
     * @throws IllegalArgumentException unless {@code threads} is positive
     */
    public static Parallel of(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be positive, got " + threads);
        }
        if (threads == COMMON.threads) {
            return COMMON;
        }
        return new Parallel(new ForkJoinPool(threads), threads);
    }

    public int threads() {
        return threads;
    }

    /** Body of a loop over the index range [from, to). */
    @FunctionalInterface
    public interface Range {
        void run(int from, int to);
    }

    /**
     * Runs {@code body} over [0, n) in at most {@link #threads()} contiguous parts of at least {@code minPart} indices
     * (one part when n is smaller), and returns when all are done: on the every-core pool's {@link Crew} when it is
     * free, else on the fork/join pool, with the same parts either way. Inside a part of a crew loop that keeps every
     * thread busy (attention heads, each running its own GEMMs) the parts run one after another on the calling thread.
     */
    public void forRanges(int n, int minPart, Range body) {
        int parts = Math.min(threads, Math.max(1, n / Math.max(1, minPart)));
        if (parts == 1) {
            if (n > 0) {
                body.run(0, n);
            }
            return;
        }
        if (this == COMMON && CommonCrew.CREW.saturated()) {
            for (int p = 0; p < parts; p++) {
                body.run((int) ((long) n * p / parts), (int) ((long) n * (p + 1) / parts));
            }
            return;
        }
        if (this == COMMON && CommonCrew.CREW.tryRun(n, parts, body)) {
            return;
        }
        Runnable all = () -> IntStream.range(0, parts).parallel()
                .forEach(p -> body.run((int) ((long) n * p / parts), (int) ((long) n * (p + 1) / parts)));
        if (java.util.concurrent.ForkJoinTask.getPool() == pool) {
            all.run();
        } else {
            pool.submit(all).join();
        }
    }
}
