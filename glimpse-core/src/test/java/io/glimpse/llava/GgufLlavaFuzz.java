package io.glimpse.llava;

import io.glimpse.io.BadInputException;
import io.glimpse.io.GgmlType;
import io.glimpse.io.GgufFile;
import io.glimpse.io.GgufTensor;
import io.glimpse.io.GgufValue;
import io.glimpse.io.GgufWriter;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Mutations of the fixture mmproj files at the level of their mapping, not their bytes (the GGUF reader has its own
 * fuzz): another architecture, a missing tensor, a tensor of another shape, absurd or changed dimensions in the
 * metadata, odd feature layers or pinpoints. Loading then either works or fails with one line naming the file; the
 * mutations that break the tower or the projector must fail.
 */
class GgufLlavaFuzz {
    private static final Path GGUF = Path.of("src/test/resources/fixtures/gguf");
    private static final Path LM = GGUF.resolve("llava15-lm-f32.gguf");
    private static final List<GgufFile> SEEDS = List.of(read("llava15-mmproj-f32.gguf"), read("onevision-mmproj-f32.gguf"));
    /** Keys every tensor shape depends on: a changed value must fail. */
    private static final List<String> SHAPED = List.of("clip.vision.embedding_length", "clip.vision.feed_forward_length",
            "clip.vision.block_count", "clip.vision.patch_size", "clip.vision.projection_dim");
    private static final List<String> OTHER = List.of("clip.vision.image_size", "clip.vision.attention.head_count",
            "clip.vision.attention.head_count_kv", "clip.vision.attention.head_dim");
    private static final long[] ABSURD = {0, -1, 1L << 31, 1L << 40, Long.MAX_VALUE, 3, 7, 1000, 65536};

    private static GgufFile read(String name) {
        try {
            return GgufFile.read(GGUF.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Property(tries = 150)
    void mutatedMappingsLoadOrFailWithOneLineNamingTheFile(@ForAll long seed) throws IOException {
        Random r = new Random(seed);
        GgufFile g = SEEDS.get(r.nextInt(SEEDS.size()));
        Map<String, GgufValue> meta = new LinkedHashMap<>(g.metadata());
        List<GgufTensor> tensors = new ArrayList<>(g.tensors().values());
        boolean mustFail;
        switch (r.nextInt(7)) {
            case 0 -> {
                String arch = List.of("llama", "clip2", "", "siglip", "CLIP").get(r.nextInt(5));
                meta.put("general.architecture", GgufValue.string(arch));
                mustFail = true;
            }
            case 1 -> {
                tensors.remove(r.nextInt(tensors.size()));
                mustFail = true;
            }
            case 2 -> {
                int i = r.nextInt(tensors.size());
                GgufTensor t = tensors.get(i);
                long[] dims = t.dims();
                int axis = r.nextInt(dims.length);
                dims[axis] = r.nextBoolean() ? dims[axis] * 2 : Math.max(1, dims[axis] / 2 + (dims[axis] == 1 ? 1 : 0));
                long n = 1;
                for (long d : dims) {
                    n *= d;
                }
                tensors.set(i, new GgufTensor(t.name(), GgmlType.F32, dims, MemorySegment.ofArray(new float[(int) n])));
                mustFail = true;
            }
            case 3 -> {
                String key = SHAPED.get(r.nextInt(SHAPED.size()));
                long v = ABSURD[r.nextInt(ABSURD.length)];
                long old = meta.get(key) == null ? -2 : (Long) meta.get(key).value();
                meta.put(key, new GgufValue(GgufValue.Type.INT64, v));
                mustFail = v != old;
            }
            case 4 -> {
                meta.put(OTHER.get(r.nextInt(OTHER.size())), new GgufValue(GgufValue.Type.INT64, ABSURD[r.nextInt(ABSURD.length)]));
                mustFail = false;
            }
            case 5 -> {
                int[] layers = r.ints(r.nextInt(4), -3, 6).toArray();
                meta.put("clip.vision.feature_layer", GgufValue.i32s(layers));
                mustFail = false;
            }
            default -> {
                List<String> keys = new ArrayList<>(meta.keySet());
                meta.remove(keys.get(r.nextInt(keys.size())));
                mustFail = false;
            }
        }
        Path file = Files.createTempFile("mmproj", ".gguf");
        try {
            GgufWriter.write(file, meta, tensors);
            try (LlavaModel m = GgufLlava.load(LM, file, null)) {
                assertThat(mustFail).as("loaded a mapping that cannot hold").isFalse();
                assertThat(m.decoder().config().hiddenSize()).isEqualTo(64);
            } catch (BadInputException e) {
                assertThat(e.getMessage()).startsWith(file.toString()).doesNotContain("\n");
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
