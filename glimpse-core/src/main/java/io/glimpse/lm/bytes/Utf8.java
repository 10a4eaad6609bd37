package io.glimpse.lm.bytes;

import io.glimpse.io.BadInputException;

/** Where UTF-8 byte strings stand: complete, inside a character, or malformed (overlong forms and surrogates too). */
final class Utf8 {
    /** Whether the bytes end on a character boundary, inside a character, or are no UTF-8 prefix at all. */
    enum State { COMPLETE, PARTIAL, MALFORMED }

    private Utf8() {
    }

    /** The state of {@code b[from..to)}, which starts on a character boundary. */
    static State state(byte[] b, int from, int to) {
        int end = scan(b, from, to);
        return end < 0 ? State.MALFORMED : end < to ? State.PARTIAL : State.COMPLETE;
    }

    /**
     * Checks that {@code b} is UTF-8 that ends on a character boundary.
     *
     * @throws BadInputException naming {@code what} and where it goes wrong
     */
    static void requireComplete(byte[] b, String what) {
        int end = scan(b, 0, b.length);
        if (end < 0) {
            throw new BadInputException(what + ": not valid UTF-8 (byte " + (-end - 1) + ")");
        }
        if (end < b.length) {
            throw new BadInputException(what + ": ends inside a UTF-8 character (byte " + end + " of " + b.length
                    + " starts it); give whole characters");
        }
    }

    /**
     * Where the last whole character of {@code b[from..to)} ends, the sequence being well formed up to {@code to}
     * (the bytes after it start a character); {@code -(i + 1)} when the byte at {@code i} breaks the encoding.
     */
    private static int scan(byte[] b, int from, int to) {
        int i = from;
        while (i < to) {
            int lead = b[i] & 0xFF;
            int len = lead < 0x80 ? 1 : lead >= 0xC2 && lead <= 0xDF ? 2 : lead >= 0xE0 && lead <= 0xEF ? 3
                    : lead >= 0xF0 && lead <= 0xF4 ? 4 : 0;
            if (len == 0) {
                return -(i + 1);
            }
            for (int k = 1; k < len; k++) {
                if (i + k >= to) {
                    return i;
                }
                int c = b[i + k] & 0xFF;
                int lo = 0x80;
                int hi = 0xBF;
                if (k == 1) {
                    lo = lead == 0xE0 ? 0xA0 : lead == 0xF0 ? 0x90 : 0x80;
                    hi = lead == 0xED ? 0x9F : lead == 0xF4 ? 0x8F : 0xBF;
                }
                if (c < lo || c > hi) {
                    return -(i + k + 1);
                }
            }
            i += len;
        }
        return to;
    }

    /** The end of the longest prefix of {@code b[0..n)} that ends on a character boundary. */
    static int completeEnd(byte[] b, int n) {
        for (int back = 0; back < 4 && back < n; back++) {
            int c = b[n - 1 - back] & 0xFF;
            if (c < 0x80) {
                return back == 0 ? n : n - back;
            }
            if (c >= 0xC0) {
                int len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
                return back + 1 >= len ? n : n - 1 - back;
            }
        }
        return n;
    }
}
