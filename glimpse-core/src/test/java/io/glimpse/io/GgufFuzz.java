package io.glimpse.io;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Mutation fuzzing of the GGUF reader: byte flips, truncations and overwritten counts or lengths of a valid file
 * must give either a file whose tensors all lie inside it, or a one-line BadInputException naming the file.
 */
class GgufFuzz {
    private static final byte[] VALID = valid();

    private static byte[] valid() {
        try {
            Path tmp = Files.createTempFile("seed", ".gguf");
            try {
                GgufWriter.write(tmp, GgufFileTest.metadata(), GgufFileTest.tensors());
                return Files.readAllBytes(tmp);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Property(tries = 1000)
    void mutatedFilesFailCleanlyOrReadConsistently(@ForAll long seed, @ForAll @IntRange(min = 1, max = 6) int edits)
            throws IOException {
        byte[] bytes = VALID.clone();
        Random r = new Random(seed);
        for (int e = 0; e < edits && bytes.length > 0; e++) {
            int at = r.nextInt(bytes.length);
            switch (r.nextInt(4)) {
                case 0 -> bytes[at] = (byte) r.nextInt(256);
                case 1 -> bytes = java.util.Arrays.copyOf(bytes, r.nextInt(bytes.length + 1));
                case 2 -> {
                    // a count, length or offset field set to an extreme value
                    long v = switch (r.nextInt(4)) {
                        case 0 -> -1L;
                        case 1 -> Long.MAX_VALUE;
                        case 2 -> 1L << (32 + r.nextInt(30));
                        default -> r.nextInt(1 << 16);
                    };
                    for (int b = 0; b < 8 && at + b < bytes.length; b++) {
                        bytes[at + b] = (byte) (v >>> (8 * b));
                    }
                }
                default -> bytes[at] ^= (byte) (1 << r.nextInt(8));
            }
        }
        readsOrFailsCleanly(bytes);
    }

    /** A header that ends before the aligned data start, with one empty tensor: nothing to read, still bad input. */
    @Example
    void aDataStartPastTheEndIsBadInput() throws IOException {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(57).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x46554747).putInt(3).putLong(1).putLong(0);
        b.putLong(1).put((byte) 't').putInt(1).putLong(0).putInt(0).putLong(0);
        Path p = Files.createTempFile("empty", ".gguf");
        try {
            Files.write(p, b.array());
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> GgufFile.read(p)).isInstanceOf(BadInputException.class)
                    .hasMessageContaining("past the end");
        } finally {
            Files.deleteIfExists(p);
        }
    }

    /** Cut anywhere, the header included: the aligned data start can then lie past the end of the file. */
    @Example
    void everyTruncationFailsCleanly() throws IOException {
        for (int length = 0; length < VALID.length; length++) {
            readsOrFailsCleanly(java.util.Arrays.copyOf(VALID, length));
        }
    }

    private static void readsOrFailsCleanly(byte[] bytes) throws IOException {
        Path p = Files.createTempFile("fuzz", ".gguf");
        try {
            Files.write(p, bytes);
            try {
                GgufFile g = GgufFile.read(p);
                long size = Files.size(p);
                for (GgufTensor t : g.tensors().values()) {
                    assertThat(t.data().byteSize()).isEqualTo(t.type().bytes(t.elements())).isLessThanOrEqualTo(size);
                }
            } catch (BadInputException e) {
                assertThat(e.getMessage()).startsWith(p.toString()).doesNotContain("\n");
            }
        } finally {
            Files.deleteIfExists(p);
        }
    }
}
