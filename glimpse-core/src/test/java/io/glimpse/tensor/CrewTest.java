package io.glimpse.tensor;

import org.junit.jupiter.api.Test;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CrewTest {
    /** Marks every index it is given; fails the loop if an index comes twice. */
    private static Parallel.Range marking(int[] seen) {
        return (from, to) -> {
            for (int i = from; i < to; i++) {
                assertThat(++seen[i]).as("index %d", i).isEqualTo(1);
            }
        };
    }

    @Test
    void everyIndexRunsOnceInThePartsTheForkJoinPathWouldCut() throws Exception {
        Crew crew = new Crew(3);
        for (int n : new int[] {1, 2, 7, 100, 1001}) {
            for (int parts = 1; parts <= Math.min(n, 9); parts++) {
                int[] seen = new int[n];
                var ranges = ConcurrentHashMap.<String>newKeySet();
                Parallel.Range mark = marking(seen);
                assertThat(crew.tryRun(n, parts, (from, to) -> {
                    ranges.add(from + ".." + to);
                    mark.run(from, to);
                })).isTrue();
                assertThat(seen).containsOnly(1);
                var want = new java.util.HashSet<String>();
                for (int p = 0; p < parts; p++) {
                    want.add((long) n * p / parts + ".." + (long) n * (p + 1) / parts);
                }
                assertThat(ranges).as("n=%d parts=%d", n, parts).isEqualTo(want);
            }
        }
    }

    /**
     * A loop begun inside a part of a crew loop with a part per thread runs where it is, in the parts it would have
     * been cut into; inside a loop that leaves threads free it does not (there it may use them).
     */
    @Test
    void aLoopInsideASaturatedCrewRunsItsPartsOnTheCallingThread() throws Exception {
        Crew crew = new Crew(1);
        assertThat(crew.saturated()).isFalse();
        var inner = ConcurrentHashMap.<String>newKeySet();
        AtomicInteger saturatedParts = new AtomicInteger();
        assertThat(crew.tryRun(2, 2, (from, to) -> {
            if (crew.saturated()) {
                saturatedParts.incrementAndGet();
            }
        })).isTrue();
        assertThat(saturatedParts).hasValue(2);
        assertThat(crew.tryRun(1, 1, (from, to) -> assertThat(crew.saturated()).isFalse())).isTrue();
        Parallel all = Parallel.of(Runtime.getRuntime().availableProcessors());
        org.junit.jupiter.api.Assumptions.assumeTrue(all.threads() > 1, "one core: no loop is split");
        int outer = all.threads();
        all.forRanges(outer, 1, (from, to) -> {
            Thread self = Thread.currentThread();
            all.forRanges(10, 1, (a, b) -> {
                assertThat(Thread.currentThread()).isSameAs(self);
                inner.add(from + ":" + a + ".." + b);
            });
        });
        var want = new java.util.HashSet<String>();
        int parts = Math.min(outer, 10);
        for (int o = 0; o < outer; o++) {
            for (int p = 0; p < parts; p++) {
                want.add(o + ":" + 10L * p / parts + ".." + 10L * (p + 1) / parts);
            }
        }
        assertThat(inner).isEqualTo(want);
    }

    @Test
    void helpersThatParkedWakeForTheNextLoop() throws Exception {
        Crew crew = new Crew(1);
        Thread helperSeen = null;
        for (int round = 0; round < 3; round++) {
            Thread.sleep(20);
            var threads = ConcurrentHashMap.<Thread>newKeySet();
            CountDownLatch bothIn = new CountDownLatch(2);
            // Each part waits for the other, so the loop only ends if the parked helper took one.
            assertThat(crew.tryRun(2, 2, (from, to) -> {
                threads.add(Thread.currentThread());
                bothIn.countDown();
                try {
                    assertThat(bothIn.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            })).isTrue();
            assertThat(threads).hasSize(2).contains(Thread.currentThread());
            threads.remove(Thread.currentThread());
            Thread helper = threads.iterator().next();
            assertThat(helper.getName()).startsWith("glimpse-crew-");
            assertThat(helperSeen == null || helperSeen == helper).isTrue();
            helperSeen = helper;
        }
    }

    @Test
    void aFailingPartIsRethrownToTheCallerAndTheCrewStaysUsable() {
        Crew crew = new Crew(2);
        assertThatThrownBy(() -> crew.tryRun(30, 3, (from, to) -> {
            if (from == 10) {
                throw new IllegalArgumentException("part two");
            }
        })).isInstanceOf(IllegalArgumentException.class).hasMessage("part two");
        int[] seen = new int[50];
        assertThat(crew.tryRun(50, 3, marking(seen))).isTrue();
        assertThat(seen).containsOnly(1);
    }

    @Test
    void aLoopInsideAPartOrBesideARunningLoopIsRefusedAndRunsElsewhere() throws Exception {
        Crew crew = new Crew(1);
        AtomicInteger refusedInside = new AtomicInteger();
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread other = new Thread(() -> crew.tryRun(2, 2, (from, to) -> {
            if (!crew.tryRun(4, 2, (a, b) -> { })) {
                refusedInside.incrementAndGet();
            }
            running.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }));
        other.start();
        running.await();
        assertThat(crew.tryRun(4, 2, (a, b) -> { })).as("while busy").isFalse();
        release.countDown();
        other.join();
        assertThat(refusedInside.get()).isEqualTo(2);

        int[] seen = new int[64];
        Parallel.of(Runtime.getRuntime().availableProcessors()).forRanges(64, 1, (from, to) ->
                Parallel.current().forRanges(to - from, 1, (a, b) -> marking(seen).run(from + a, from + b)));
        assertThat(seen).containsOnly(1);
    }
}
