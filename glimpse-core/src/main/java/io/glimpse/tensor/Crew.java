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
 * <p>One loop at a time: a second caller while one runs, and a loop started from inside a part, are refused
 * ({@link #tryRun} returns false) and the caller takes the fork/join path. Part p of a loop is always [n·p/parts,
 * n·(p+1)/parts), as there, so results do not depend on which path ran.
 */
final class Crew {
    /** How long a helper spins for the next loop before it parks: longer than the serial gaps between a step's loops. */
    private static final long SPIN_NANOS = 200_000;
    private static final ThreadLocal<Boolean> INSIDE = ThreadLocal.withInitial(() -> false);

    /** One loop, published whole through {@link #job}, so a helper that skipped a loop never mixes two. */
    private record Job(long generation, Parallel.Range body, int n, int parts, AtomicInteger pending,
                       AtomicReference<Throwable> failure) {
        void run(int p) {
            try {
                body.run((int) ((long) n * p / parts), (int) ((long) n * (p + 1) / parts));
            } catch (RuntimeException | Error e) {
                failure.compareAndSet(null, e);
            }
        }
    }

    private final Thread[] helpers;
    private final AtomicBoolean busy = new AtomicBoolean();
    private final AtomicInteger sleepers = new AtomicInteger();
    private volatile Job job = new Job(0, null, 0, 1, new AtomicInteger(), new AtomicReference<>());

    /** {@code count} helpers, started now as daemon threads. */
    Crew(int count) {
        helpers = new Thread[count];
        for (int i = 0; i < count; i++) {
            int part = i + 1;
            helpers[i] = Thread.ofPlatform().daemon().name("glimpse-crew-" + part).unstarted(() -> serve(part));
            helpers[i].start();
        }
    }

    /**
     * Runs {@code body} over [0, n) in {@code parts} parts (at most one more than the helpers), part 0 on the calling
     * thread, and returns true when all are done; false, having run nothing, when the crew is busy or the caller is
     * inside one of its parts.
     */
    boolean tryRun(int n, int parts, Parallel.Range body) {
        if (parts > helpers.length + 1 || INSIDE.get() || !busy.compareAndSet(false, true)) {
            return false;
        }
        try {
            Job j = new Job(job.generation() + 1, body, n, parts, new AtomicInteger(parts - 1), new AtomicReference<>());
            job = j;
            if (sleepers.get() > 0) {
                for (Thread h : helpers) {
                    LockSupport.unpark(h);
                }
            }
            INSIDE.set(true);
            try {
                j.run(0);
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

    private void serve(int part) {
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
            if (part < j.parts()) {
                j.run(part);
                j.pending().decrementAndGet();
            }
        }
    }
}
