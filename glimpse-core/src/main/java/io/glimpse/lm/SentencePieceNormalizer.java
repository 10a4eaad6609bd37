package io.glimpse.lm;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * SentencePiece's normaliser (normalizer.cc, Normalizer::Normalize): at each position the longest user-defined
 * piece is kept as it is, else the longest precompiled rule is replaced, else one character is copied; then
 * leading, repeated and trailing spaces are dropped (remove_extra_whitespaces), "▁" is put in front
 * (add_dummy_prefix) and spaces become "▁" (escape_whitespaces).
 *
 * @param charsMap null for the identity rule
 */
record SentencePieceNormalizer(CharsMap charsMap, List<byte[]> userDefined, boolean addDummyPrefix,
                               boolean removeExtraWhitespaces, boolean escapeWhitespaces) {
    static final String SPACE = "\u2581";
    private static final byte[] SPACE_BYTES = SPACE.getBytes(StandardCharsets.UTF_8);

    SentencePieceNormalizer withoutDummyPrefix() {
        return new SentencePieceNormalizer(charsMap, userDefined, false, removeExtraWhitespaces, escapeWhitespaces);
    }

    String normalize(String text) {
        byte[] in = text.getBytes(StandardCharsets.UTF_8);
        int pos = 0;
        if (removeExtraWhitespaces) {
            while (pos < in.length) {
                Rule r = prefix(in, pos);
                if (!isSpace(r.out)) {
                    break;
                }
                pos += r.consumed;
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + 8);
        if (pos == in.length) {
            return "";
        }
        if (addDummyPrefix) {
            out.writeBytes(escapeWhitespaces ? SPACE_BYTES : new byte[] {' '});
        }
        boolean prevSpace = removeExtraWhitespaces;
        while (pos < in.length) {
            Rule r = prefix(in, pos);
            int from = 0;
            if (prevSpace) {
                while (from < r.out.length && r.out[from] == ' ') {
                    from++;
                }
            }
            if (from < r.out.length) {
                for (int k = from; k < r.out.length; k++) {
                    if (escapeWhitespaces && r.out[k] == ' ') {
                        out.writeBytes(SPACE_BYTES);
                    } else {
                        out.write(r.out[k]);
                    }
                }
                prevSpace = r.out[r.out.length - 1] == ' ';
            }
            pos += r.consumed;
            if (!removeExtraWhitespaces) {
                prevSpace = false;
            }
        }
        String s = out.toString(StandardCharsets.UTF_8);
        if (removeExtraWhitespaces) {
            String space = escapeWhitespaces ? SPACE : " ";
            while (s.endsWith(space)) {
                s = s.substring(0, s.length() - space.length());
            }
        }
        return s;
    }

    private record Rule(byte[] out, int consumed) {
    }

    private Rule prefix(byte[] in, int pos) {
        int longest = 0;
        for (byte[] piece : userDefined) {
            if (piece.length > longest && startsWith(in, pos, piece)) {
                longest = piece.length;
            }
        }
        if (longest > 0) {
            return new Rule(Arrays.copyOfRange(in, pos, pos + longest), longest);
        }
        if (charsMap != null) {
            long match = charsMap.longestMatch(in, pos, in.length);
            int length = (int) (match >>> 32);
            if (length > 0) {
                return new Rule(charsMap.replacement((int) match), length);
            }
        }
        int n = utf8Length(in, pos);
        return new Rule(Arrays.copyOfRange(in, pos, pos + n), n);
    }

    private static boolean isSpace(byte[] b) {
        return b.length == 1 && b[0] == ' ';
    }

    private static boolean startsWith(byte[] in, int pos, byte[] piece) {
        if (piece.length > in.length - pos) {
            return false;
        }
        for (int k = 0; k < piece.length; k++) {
            if (in[pos + k] != piece[k]) {
                return false;
            }
        }
        return true;
    }

    /** Bytes of the UTF-8 character at {@code pos}; the input comes from a Java string, so it is well formed. */
    private static int utf8Length(byte[] in, int pos) {
        int b = in[pos] & 0xFF;
        return b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    }
}
