package io.glimpse.lm;

import io.glimpse.io.BadInputException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * SentencePiece's precompiled normalisation map (normalizer_spec.precompiled_charsmap): a little-endian uint32
 * size, a Darts-clone double-array trie of that many bytes over UTF-8 source strings, then the NUL-terminated
 * replacement strings the trie's values point into. The unit layout (leaf bit 8, label in the low byte and bit 31,
 * offset in bits 10.. scaled by bit 9) is Darts-clone's (github.com/s-yata/darts-clone, darts.h, DoubleArrayUnit).
 */
final class CharsMap {
    private final String source;
    private final int[] units;
    private final byte[] replacements;

    private CharsMap(String source, int[] units, byte[] replacements) {
        this.source = source;
        this.units = units;
        this.replacements = replacements;
    }

    static CharsMap read(String source, byte[] blob) {
        if (blob.length <= 4) {
            throw new BadInputException(source + ": precompiled_charsmap of " + blob.length + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN);
        long trieBytes = Integer.toUnsignedLong(b.getInt());
        if (trieBytes >= blob.length - 4 || trieBytes % 4 != 0) {
            throw new BadInputException(source + ": precompiled_charsmap's trie of " + trieBytes
                    + " bytes does not fit its " + blob.length + "-byte blob");
        }
        int[] units = new int[(int) (trieBytes / 4)];
        b.asIntBuffer().get(units);
        return new CharsMap(source, units, Arrays.copyOfRange(blob, 4 + (int) trieBytes, blob.length));
    }

    /**
     * The longest rule matching a prefix of {@code input[from..to)}: its length in bytes (0: none) in the high
     * half, the offset of its replacement in the low half.
     */
    long longestMatch(byte[] input, int from, int to) {
        long best = 0;
        int id = offset(units[0]);
        for (int i = from; i < to; i++) {
            int c = input[i] & 0xFF;
            id ^= c;
            if (id < 0 || id >= units.length || label(units[id]) != c) {
                break;
            }
            int unit = units[id];
            id ^= offset(unit);
            if (hasLeaf(unit) && id >= 0 && id < units.length) {
                best = (long) (i + 1 - from) << 32 | (units[id] & 0x7FFFFFFF);
            }
        }
        return best;
    }

    /** The NUL-terminated replacement at {@code offset}. */
    byte[] replacement(int offset) {
        if (offset >= replacements.length) {
            throw new BadInputException(source + ": precompiled_charsmap points at byte " + offset + " of its "
                    + replacements.length + " replacement bytes");
        }
        int end = offset;
        while (end < replacements.length && replacements[end] != 0) {
            end++;
        }
        return Arrays.copyOfRange(replacements, offset, end);
    }

    private static boolean hasLeaf(int unit) {
        return (unit >>> 8 & 1) == 1;
    }

    private static int label(int unit) {
        return unit & (0x80000000 | 0xFF);
    }

    private static int offset(int unit) {
        return (unit >>> 10) << ((unit & (1 << 9)) >>> 6);
    }
}
