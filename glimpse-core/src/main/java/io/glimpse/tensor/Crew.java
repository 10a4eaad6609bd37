package io.glimpse.tensor;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Helper threads that wait for the next loop by spinning a short while before they park, so a loop handed to them
 * starts in a fraction of a microsecond instead of after a thread wake-up. A decode step runs about 150 loops of
 * 0.1-1 ms each (every projection of every layer); through the fork/join pool each cost about 30 µs more than its
 * work on a 2-core VM, where a parked worker is woken by the kernel.
 *
 * <p>Every thread, the caller included, takes the loop's next part until none is left, so a caller that finds the
 * helpers parked starts on the work instead of waiting for them to wake. Part p is always [n·p/parts, n·(p+1)/parts),
 * as on the fork/join path, so results do not depend on which thread or path ran it. (Cutting loops into four parts
 * per thread, so a thread slowed by another process would take fewer, measured no faster on a noisy 2-core VM.)
 *
 * <p>One loop at a time: a second caller while one runs, and a loop started from inside a part, are refused
 * ({@link #tryRun} returns false); the caller takes the fork/join path, or runs the parts itself when the crew is
 * {@linkplain #saturated saturated}.
 */
final class Crew {
    /** How long a helper spins for the next loop before it parks: longer than the serial gaps between a step's loops. */
    private static final long SPIN_NANOS = 200_000;
    private static final ThreadLocal<Boolean> INSIDE = ThreadLocal.withInitial(() -> false);

    /** One loop, published whole through {@link #job}, so a helper that skipped a loop never mixes two. */
    private record Job(long generation, Parallel.Range body, int n, int parts, AtomicInteger next,
                       AtomicInteger pending, AtomicReference<Throwable> failure) {
        /** Runs parts until none is left (after a failure, none is). */
        void work() {
            for (int p; (p = next.getAndIncrement()) < parts; ) {
                try {
                    body.run((int) ((long) n * p / parts), (int) ((long) n * (p + 1) / parts));
                } catch (RuntimeException | Error e) {
                    failure.compareAndSet(null, e);
                    next.set(parts);
                }
            }
        }
    }

    private final Thread[] helpers;
    private final AtomicBoolean busy = new AtomicBoolean();
    private final AtomicInteger sleepers = new AtomicInteger();
    private volatile Job job = new Job(0, null, 0, 0, new AtomicInteger(), new AtomicInteger(), new AtomicReference<>());

    /** {@code count} helpers, started now as daemon threads. */
    Crew(int count) {
        helpers = new Thread[count];
        for (int i = 0; i < count; i++) {
            helpers[i] = Thread.ofPlatform().daemon().name("glimpse-crew-" + (i + 1)).unstarted(this::serve);
            helpers[i].start();
        }
    }

    /**
     * Runs {@code body} over [0, n) in {@code parts} parts on the helpers and the calling thread, and returns true when
     * all are done; false, having run nothing, when the crew is busy or the caller is inside one of its parts.
     */
    boolean tryRun(int n, int parts, Parallel.Range body) {
        if (INSIDE.get() || !busy.compareAndSet(false, true)) {
            return false;
        }
        try {
            Job j = new Job(job.generation() + 1, body, n, parts, new AtomicInteger(),
                    new AtomicInteger(helpers.length), new AtomicReference<>());
            job = j;
            if (sleepers.get() > 0) {
                for (Thread h : helpers) {
                    LockSupport.unpark(h);
                }
            }
            INSIDE.set(true);
            try {
                j.work();
            } finally {
                INSIDE.set(false);
            }
            while (j.pending().get() != 0) {
                Thread.onSpinWait();
            }
            Throwable t = j.failure().get();
            if (t instanceof RuntimeException r) {
                throw r;
            }
            if (t instanceof Error e) {
                throw e;
            }
            return true;
        } finally {
            busy.set(false);
        }
    }

    /**
     * Whether the calling thread runs a part of a loop that has a part for every thread of the crew: a loop begun
     * there would find every thread busy, so it is better run where it is than handed to another pool's threads,
     * which would compete with the crew for the cores.
     */
    boolean saturated() {
        return INSIDE.get() && job.parts() > helpers.length;
    }

    private void serve() {
        INSIDE.set(true);
        long seen = 0;
        while (true) {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            Job j;
            while ((j = job).generation() == seen) {
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                } else {
                    sleepers.incrementAndGet();
                    while (job.generation() == seen) {
                        LockSupport.park(this);
                    }
                    sleepers.decrementAndGet();
                }
            }
            seen = j.generation();
            j.work();
            j.pending().decrementAndGet();
        }
    }
}
