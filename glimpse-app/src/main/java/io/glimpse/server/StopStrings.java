package io.glimpse.server;

import java.util.List;

/**
 * OpenAI's {@code stop}: text streams through, held back only while its end could still grow into a stop string, and
 * ends before the first stop string found (which is never emitted).
 */
final class StopStrings {
    private final List<String> stops;
    private final StringBuilder held = new StringBuilder();
    private boolean stopped;

    StopStrings(List<String> stops) {
        this.stops = stops;
    }

    /** Adds generated text and returns what may be emitted now; after a stop string, always "". */
    String accept(String text) {
        if (stopped) {
            return "";
        }
        held.append(text);
        int first = -1;
        for (String s : stops) {
            int at = held.indexOf(s);
            if (at >= 0 && (first < 0 || at < first)) {
                first = at;
            }
        }
        if (first >= 0) {
            stopped = true;
            return take(first);
        }
        String all = held.toString();
        int keep = 0;
        for (String s : stops) {
            for (int k = Math.min(s.length() - 1, all.length()); k > keep; k--) {
                if (all.regionMatches(all.length() - k, s, 0, k)) {
                    keep = k;
                    break;
                }
            }
        }
        return take(held.length() - keep);
    }

    /** What is still held when generation ends without a stop string. */
    String finish() {
        return stopped ? "" : take(held.length());
    }

    boolean stopped() {
        return stopped;
    }

    private String take(int n) {
        String out = held.substring(0, n);
        held.delete(0, stopped ? held.length() : n);
        return out;
    }
}
