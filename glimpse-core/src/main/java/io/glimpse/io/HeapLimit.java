package io.glimpse.io;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * The Java heap's limit and the machine's memory, checked before allocations whose size is known from an input's
 * header: heap copies count against the heap ({@link #require}), memory-mapped or natively converted weights against
 * the machine's RAM ({@link #requireMemory}), where a checkpoint larger than RAM would otherwise thrash the page cache
 * or be killed mid-load.
 */
public final class HeapLimit {
    private HeapLimit() {
    }

    /** How much the heap may hold and how to raise it, for an out-of-memory message. */
    public static String advice() {
        return String.format(Locale.ROOT, "the Java heap holds at most %d MB; give it more with GLIMPSE_JAVA_OPTS=-Xmx<size>, "
                + "e.g. -Xmx%dg", Runtime.getRuntime().maxMemory() >> 20, Math.max(2, 2 * (Runtime.getRuntime().maxMemory() >> 30)));
    }

    /** Refuses {@code what} of {@code input} when its {@code bytes} cannot fit in the heap at all. */
    public static void require(long bytes, Object input, String what) {
        if (bytes > Runtime.getRuntime().maxMemory()) {
            throw new BadInputException(String.format(Locale.ROOT, "%s: %s needs %d MB; %s", input, what, bytes >> 20, advice()));
        }
    }

    /** Refuses {@code what} of {@code input} when its {@code bytes} outside the heap exceed the machine's RAM. */
    public static void requireMemory(long bytes, Object input, String what) {
        requireMemory(bytes, physicalMemory(), input, what);
    }

    static void requireMemory(long bytes, long ram, Object input, String what) {
        if (bytes > ram) {
            throw new BadInputException(String.format(Locale.ROOT, "%s: %s need %d MB of memory, more than this machine's %d MB",
                    input, what, bytes >> 20, ram >> 20));
        }
    }

    /** The RAM the JVM may use (a container's limit where one is set). */
    static long physicalMemory() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
    }
}
