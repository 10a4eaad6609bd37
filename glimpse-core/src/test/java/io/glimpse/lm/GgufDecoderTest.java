package io.glimpse.lm;

import io.glimpse.io.BadInputException;
import io.glimpse.io.Checkpoint;
import io.glimpse.io.GgufFile;
import io.glimpse.io.GgufTensor;
import io.glimpse.io.GgufValue;
import io.glimpse.io.GgufWriter;
import io.glimpse.io.JsonFiles;
import io.glimpse.io.SafeTensors;
import io.glimpse.tensor.WeightFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Decoders from the GGUF files llama.cpp's gguf-py wrote from the lm fixtures (fixtures/gguf/make_gguf_fixtures.py):
 * the unquantized ones give the safetensors path's logits (llama's to float rounding of its Llama-3 rope scaling, which
 * the file carries as rope_freqs divisors), the quantized ones the logits a numpy forward pass computes over gguf-py's
 * own dequantization of their weights.
 */
class GgufDecoderTest {
    static final Path GGUF = Path.of("src/test/resources/fixtures/gguf");

    @TempDir
    Path dir;

    private static float[] prefill(DecoderModel m, int[] ids) {
        KvCache cache = m.newCache(64);
        return m.forward(cache, m.embed(ids), LmFixtures.range(0, ids.length), ids.length);
    }

    /** Within {@code tol} relative to the logit's size (at least 1). */
    private static void assertWithin(float[] actual, float[] expected, double tol) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            if (Math.abs(actual[i] - expected[i]) > tol * Math.max(1, Math.abs(expected[i]))) {
                throw new AssertionError("logit " + i + ": " + actual[i] + " vs " + expected[i] + " (tolerance " + tol + ")");
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"qwen2-f32, qwen2", "llama-bf16, llama"})
    void unquantizedFilesGiveTheSafetensorsLogits(String file, String fixture) throws IOException {
        DecoderModel fromGguf = DecoderModel.load(GgufFile.read(GGUF.resolve(file + ".gguf")), null);
        DecoderModel fromSafetensors = DecoderModel.load(LmFixtures.dir(fixture));
        assertThat(fromGguf.config()).usingRecursiveComparison().ignoringFields("ropeScaling", "tieWordEmbeddings")
                .isEqualTo(fromSafetensors.config());
        SafeTensors golden = SafeTensors.read(LmFixtures.dir(fixture).resolve("golden.safetensors"));
        for (String prompt : List.of("short", "long")) {
            int[] ids = LmFixtures.ints(golden, prompt + ".ids");
            assertWithin(prefill(fromGguf, ids), prefill(fromSafetensors, ids), 1e-5);
        }
    }

    @ParameterizedTest
    @CsvSource({"qwen2-q8_0", "llama-q4_0"})
    void quantizedFilesGiveTheLogitsOfTheirDequantizedWeights(String file) throws IOException {
        DecoderModel m = DecoderModel.load(GgufFile.read(GGUF.resolve(file + ".gguf")), null);
        SafeTensors golden = SafeTensors.read(GGUF.resolve("golden.safetensors"));
        float[] logits = prefill(m, LmFixtures.ints(golden, file + ".ids"));
        assertWithin(logits, LmFixtures.floats(golden, file + ".logits"), 1e-4);
        // and the quantization changed them: a kernel that ignored the block scales or nibbles could not pass both
        DecoderModel full = DecoderModel.load(LmFixtures.dir(file.startsWith("qwen2") ? "qwen2" : "llama"));
        float[] unquantized = prefill(full, LmFixtures.ints(golden, file + ".ids"));
        double diff = 0;
        for (int i = 0; i < logits.length; i++) {
            diff = Math.max(diff, Math.abs(logits[i] - unquantized[i]));
        }
        assertThat(diff).isGreaterThan(1e-3);
    }

    @Test
    void quantizingSafetensorsOnLoadEqualsLoadingTheQuantizedGguf() throws IOException {
        Path d = LmFixtures.dir("qwen2");
        DecoderModel onLoad = DecoderModel.load(Checkpoint.open(d), JsonFiles.readObject(d.resolve("config.json")),
                d.resolve("config.json"), WeightFormat.Q8_0);
        DecoderModel gguf = DecoderModel.load(GgufFile.read(GGUF.resolve("qwen2-q8_0.gguf")), null);
        int[] ids = {5, 17, 260, 42, 99, 3, 261};
        assertWithin(prefill(onLoad, ids), prefill(gguf, ids), 1e-6);
        assertThat(onLoad.weightBytes()).isEqualTo(gguf.weightBytes());
    }

    @Test
    void decodingOneTokenAtATimeMatchesThePrefill() throws IOException {
        DecoderModel m = DecoderModel.load(GgufFile.read(GGUF.resolve("llama-q4_0.gguf")), null);
        int[] ids = {1, 300, 40, 7, 280, 66, 2};
        float[] all = prefill(m, ids);
        KvCache cache = m.newCache(16);
        int v = m.config().vocabSize();
        for (int i = 0; i < ids.length; i++) {
            float[] step = m.forward(cache, m.embed(new int[] {ids[i]}), new int[] {i}, 1);
            assertWithin(step, java.util.Arrays.copyOfRange(all, i * v, (i + 1) * v), 1e-4);
        }
    }

    /** The qwen2 file rewritten with one edit, for the bad-input cases. */
    private Path edited(java.util.function.Consumer<Map<String, GgufValue>> meta, String dropTensor) throws IOException {
        GgufFile g = GgufFile.read(GGUF.resolve("qwen2-q8_0.gguf"));
        Map<String, GgufValue> m = new LinkedHashMap<>(g.metadata());
        meta.accept(m);
        List<GgufTensor> tensors = new ArrayList<>(g.tensors().values());
        tensors.removeIf(t -> t.name().equals(dropTensor));
        Path p = dir.resolve("edited.gguf");
        GgufWriter.write(p, m, tensors);
        return p;
    }

    @Test
    void badMetadataAndMissingTensorsNameTheFileAndField() throws IOException {
        Path arch = edited(m -> m.put("general.architecture", GgufValue.string("mamba")), null);
        assertThatThrownBy(() -> DecoderModel.load(GgufFile.read(arch), null)).isInstanceOf(BadInputException.class)
                .hasMessageContaining(arch.toString()).hasMessageContaining("general.architecture 'mamba'");
        Path heads = edited(m -> m.put("qwen2.attention.head_count", GgufValue.u32(0)), null);
        assertThatThrownBy(() -> DecoderModel.load(GgufFile.read(heads), null)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("qwen2.attention.head_count");
        Path missing = edited(m -> { }, "blk.1.ffn_up.weight");
        assertThatThrownBy(() -> DecoderModel.load(GgufFile.read(missing), null)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("missing tensor 'blk.1.ffn_up.weight'");
        Path wide = edited(m -> m.put("qwen2.feed_forward_length", GgufValue.u32(192)), null);
        assertThatThrownBy(() -> DecoderModel.load(GgufFile.read(wide), null)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("blk.0.ffn_gate.weight").hasMessageContaining("implies [192, 64]");
    }
}
