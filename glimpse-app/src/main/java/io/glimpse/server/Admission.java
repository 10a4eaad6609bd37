package io.glimpse.server;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounded concurrency with a bounded queue: up to {@code slots} holders at once, up to {@code queue} more waiting in
 * arrival order; anyone beyond is refused at once (429) instead of piling up behind a CPU that is already busy.
 */
final class Admission {
    private final Semaphore slots;
    private final int queue;
    private final AtomicInteger waiting = new AtomicInteger();

    /** A held slot; closing it lets the next waiter in. */
    interface Slot extends AutoCloseable {
        @Override
        void close();
    }

    Admission(int slots, int queue) {
        this.slots = new Semaphore(slots, true);
        this.queue = queue;
    }

    /**
     * A slot, waiting at most {@code patience} for one.
     *
     * @throws ApiException 429 when the queue is full, 504 when the wait runs out
     */
    Slot enter(Duration patience) {
        if (!slots.tryAcquire()) {
            if (waiting.incrementAndGet() > queue) {
                waiting.decrementAndGet();
                throw ApiException.busy("all " + (queue == 0 ? "generation slots are" : "generation slots and the queue of " + queue + " are")
                        + " taken; retry later");
            }
            try {
                if (!slots.tryAcquire(patience.toNanos(), TimeUnit.NANOSECONDS)) {
                    throw ApiException.timeout("no generation slot freed within the request timeout");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw ApiException.timeout("interrupted while waiting for a generation slot");
            } finally {
                waiting.decrementAndGet();
            }
        }
        return slots::release;
    }

    int waiting() {
        return waiting.get();
    }
}
