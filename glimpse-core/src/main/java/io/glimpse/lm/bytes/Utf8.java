package io.glimpse.lm.bytes;

/** Where UTF-8 byte strings stand: complete, inside a character, or malformed (overlong forms and surrogates too). */
final class Utf8 {
    /** Whether the bytes end on a character boundary, inside a character, or are no UTF-8 prefix at all. */
    enum State { COMPLETE, PARTIAL, MALFORMED }

    private Utf8() {
    }

    /** The state of {@code b[from..to)}, which starts on a character boundary. */
    static State state(byte[] b, int from, int to) {
        int i = from;
        while (i < to) {
            int lead = b[i] & 0xFF;
            int len = lead < 0x80 ? 1 : lead >= 0xC2 && lead <= 0xDF ? 2 : lead >= 0xE0 && lead <= 0xEF ? 3
                    : lead >= 0xF0 && lead <= 0xF4 ? 4 : 0;
            if (len == 0) {
                return State.MALFORMED;
            }
            for (int k = 1; k < len; k++) {
                if (i + k >= to) {
                    return State.PARTIAL;
                }
                int c = b[i + k] & 0xFF;
                int lo = 0x80;
                int hi = 0xBF;
                if (k == 1) {
                    lo = lead == 0xE0 ? 0xA0 : lead == 0xF0 ? 0x90 : 0x80;
                    hi = lead == 0xED ? 0x9F : lead == 0xF4 ? 0x8F : 0xBF;
                }
                if (c < lo || c > hi) {
                    return State.MALFORMED;
                }
            }
            i += len;
        }
        return State.COMPLETE;
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
