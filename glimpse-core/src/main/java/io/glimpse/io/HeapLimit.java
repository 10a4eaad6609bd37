package io.glimpse.io;

import java.util.Locale;

/** The Java heap's limit, checked before allocations whose size is known from an input's header. */
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
}
