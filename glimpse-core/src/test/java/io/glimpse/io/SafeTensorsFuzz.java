package io.glimpse.io;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Mutation fuzzing of the reader: random byte flips, truncations and header edits of a valid file must give
 * either a file that reads consistently or a BadInputException naming the file — never another exception.
 */
class SafeTensorsFuzz {

    private static byte[] validFile() throws IOException {
        Path tmp = Files.createTempFile("seed", ".safetensors");
        try {
            SafeTensors.write(tmp, List.of(
                    TensorData.ofFloats("emb", new float[]{1, 2, 3, 4, 5, 6}, 2, 3),
                    TensorData.ofInts("idx", new int[]{7, 8}, 2)), Map.of("format", "glimpse.tokens"));
            return Files.readAllBytes(tmp);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Property(tries = 1000)
    void mutatedFilesFailCleanlyOrReadConsistently(@ForAll long seed, @ForAll @IntRange(min = 1, max = 8) int edits)
            throws IOException {
        byte[] bytes = validFile();
        Random r = new Random(seed);
        for (int e = 0; e < edits; e++) {
            switch (r.nextInt(4)) {
                case 0 -> bytes[r.nextInt(bytes.length)] = (byte) r.nextInt(256);
                case 1 -> bytes = java.util.Arrays.copyOf(bytes, r.nextInt(bytes.length + 1));
                case 2 -> {
                    int headerEnd = Math.min(bytes.length, 8 + 200);
                    if (headerEnd > 8) {
                        bytes[8 + r.nextInt(headerEnd - 8)] = (byte) "{}[],:\"0123456789-eE".charAt(r.nextInt(20));
                    }
                }
                default -> {
                    if (bytes.length >= 8) {
                        bytes[r.nextInt(8)] = (byte) r.nextInt(256);
                    }
                }
            }
            if (bytes.length == 0) {
                break;
            }
        }
        Path p = Files.createTempFile("fuzz", ".safetensors");
        try {
            Files.write(p, bytes);
            try {
                SafeTensors st = SafeTensors.read(p);
                for (TensorData t : st.tensors().values()) {
                    assertThat((long) t.data().remaining()).isEqualTo(t.elements() * t.dtype().bytes());
                }
            } catch (BadInputException e) {
                assertThat(e.getMessage()).contains(p.toString()).doesNotContain("\n");
            }
        } finally {
            Files.deleteIfExists(p);
        }
    }
}
