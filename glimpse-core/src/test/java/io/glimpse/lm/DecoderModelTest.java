package io.glimpse.lm;

import io.glimpse.io.BadInputException;
import io.glimpse.io.SafeTensors;
import io.glimpse.io.TensorData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static io.glimpse.lm.LmFixtures.assertClose;
import static io.glimpse.lm.LmFixtures.floats;
import static io.glimpse.lm.LmFixtures.ints;
import static io.glimpse.lm.LmFixtures.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DecoderModelTest {
    private static float[] prefill(DecoderModel m, int[] ids) {
        KvCache cache = m.newCache(64);
        return m.forward(cache, m.embed(ids), range(0, ids.length), ids.length);
    }

    @ParameterizedTest
    @ValueSource(strings = {"qwen2", "llama"})
    void prefillLogitsMatchTheGolden(String name) throws IOException {
        DecoderModel m = DecoderModel.load(LmFixtures.dir(name));
        SafeTensors g = LmFixtures.golden(name);
        for (String prompt : List.of("short", "long")) {
            assertClose(prefill(m, ints(g, prompt + ".ids")), floats(g, prompt + ".logits"));
        }
    }

    @Test
    void configsReadAsWritten() throws IOException {
        DecoderConfig q = DecoderModel.load(LmFixtures.dir("qwen2")).config();
        assertThat(q.qkvBias()).isTrue();
        assertThat(q.oBias()).isFalse();
        assertThat(q.groupSize()).isEqualTo(2);
        assertThat(q.ropeTheta()).isEqualTo(1e6);
        assertThat(q.ropeScaling()).isNull();
        DecoderConfig l = DecoderModel.load(LmFixtures.dir("llama")).config();
        assertThat(l.qkvBias()).isFalse();
        assertThat(l.ropeScaling()).isEqualTo(new DecoderConfig.Llama3Scaling(8, 1, 4, 64));
        assertThat(l.rmsNormEps()).isEqualTo(1e-5f);
    }

    @ParameterizedTest
    @ValueSource(strings = {"qwen2", "llama"})
    void greedyDecodingThroughTheCacheMatchesTheGolden(String name) throws IOException {
        DecoderModel m = DecoderModel.load(LmFixtures.dir(name));
        SafeTensors g = LmFixtures.golden(name);
        for (String prompt : List.of("short", "long")) {
            int[] ids = ints(g, prompt + ".ids");
            int[] expected = ints(g, prompt + ".greedy");
            KvCache cache = m.newCache(64);
            float[] logits = m.forward(cache, m.embed(ids), range(0, ids.length), 1);
            List<Integer> streamed = new ArrayList<>();
            Generation out = Generation.run(m, cache, logits, expected.length, Sampler.greedy(), m.config().vocabSize(),
                    new int[0], streamed::add);
            assertThat(out.tokens()).containsExactly(expected);
            assertThat(out.stopped()).isFalse();
            assertThat(streamed).containsExactly(Arrays.stream(expected).boxed().toArray(Integer[]::new));
            assertThat(cache.length(0)).isEqualTo(ids.length + expected.length - 1);
            assertThat(cache.nextPosition()).isEqualTo(ids.length + expected.length - 1);
        }
    }

    @Test
    void aStopTokenEndsGenerationWithoutBeingEmitted() throws IOException {
        DecoderModel m = DecoderModel.load(LmFixtures.dir("llama"));
        SafeTensors g = LmFixtures.golden("llama");
        int[] ids = ints(g, "short.ids");
        int[] expected = ints(g, "short.greedy");
        KvCache cache = m.newCache(64);
        float[] logits = m.forward(cache, m.embed(ids), range(0, ids.length), 1);
        Generation out = Generation.run(m, cache, logits, 8, Sampler.greedy(), m.config().vocabSize(),
                new int[] {expected[3]}, t -> { });
        assertThat(out.tokens()).containsExactly(Arrays.copyOf(expected, 3));
        assertThat(out.stopped()).isTrue();
    }

    @Test
    void aPromptSplitOverTwoCallsGivesTheSameLogits() throws IOException {
        DecoderModel m = DecoderModel.load(LmFixtures.dir("qwen2"));
        SafeTensors g = LmFixtures.golden("qwen2");
        int[] ids = ints(g, "long.ids");
        float[] golden = floats(g, "long.logits");
        int cut = 9;
        KvCache cache = m.newCache(64);
        m.forward(cache, m.embed(Arrays.copyOf(ids, cut)), range(0, cut), 1);
        int[] rest = Arrays.copyOfRange(ids, cut, ids.length);
        float[] logits = m.forward(cache, m.embed(rest), LmFixtures.nextPositions(cache, rest.length), rest.length);
        assertClose(logits, Arrays.copyOfRange(golden, cut * m.config().vocabSize(), golden.length));
    }

    @ParameterizedTest
    @ValueSource(strings = {"qwen2", "llama"})
    void embeddingInputsWithGappedPositionsMatchTheGolden(String name) throws IOException {
        DecoderModel m = DecoderModel.load(LmFixtures.dir(name));
        SafeTensors g = LmFixtures.golden(name);
        int[] positions = ints(g, "embeds.positions");
        KvCache cache = m.newCache(16);
        float[] logits = m.forward(cache, floats(g, "embeds.inputs"), positions, positions.length);
        assertClose(logits, floats(g, "embeds.logits"));
        assertThat(cache.nextPosition()).isEqualTo(positions[positions.length - 1] + 1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"language_model.model.", "model.language_model."})
    void llavaTensorPrefixesLoad(String prefix, @TempDir Path tmp) throws IOException {
        for (String name : List.of("qwen2", "llama")) {
            String head = prefix.startsWith("language_model") ? "language_model.lm_head.weight" : "lm_head.weight";
            Path dir = tmp.resolve(name);
            copyRenamed(name, dir, t -> t.equals("lm_head.weight") ? head : prefix + t.substring("model.".length()));
            int[] ids = ints(LmFixtures.golden(name), "short.ids");
            assertClose(prefill(DecoderModel.load(dir), ids), prefill(DecoderModel.load(LmFixtures.dir(name)), ids));
        }
    }

    @Test
    void shardedCheckpointsLoadThroughTheirIndex(@TempDir Path tmp) throws IOException {
        Map<String, TensorData> all = SafeTensors.read(LmFixtures.dir("llama").resolve("model.safetensors")).tensors();
        List<TensorData> first = new ArrayList<>();
        List<TensorData> second = new ArrayList<>();
        StringBuilder map = new StringBuilder();
        for (TensorData t : all.values()) {
            boolean early = t.name().startsWith("model.layers.0.") || t.name().startsWith("model.embed");
            (early ? first : second).add(t);
            map.append(map.length() == 0 ? "" : ",").append('"').append(t.name()).append("\":\"")
                    .append(early ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors").append('"');
        }
        SafeTensors.write(tmp.resolve("model-00001-of-00002.safetensors"), first, Map.of());
        SafeTensors.write(tmp.resolve("model-00002-of-00002.safetensors"), second, Map.of());
        Files.writeString(tmp.resolve("model.safetensors.index.json"), "{\"metadata\":{},\"weight_map\":{" + map + "}}");
        Files.copy(LmFixtures.dir("llama").resolve("config.json"), tmp.resolve("config.json"));
        int[] ids = ints(LmFixtures.golden("llama"), "short.ids");
        assertClose(prefill(DecoderModel.load(tmp), ids), prefill(DecoderModel.load(LmFixtures.dir("llama")), ids));

        Files.delete(tmp.resolve("model-00002-of-00002.safetensors"));
        assertThatThrownBy(() -> DecoderModel.load(tmp)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("model-00002-of-00002.safetensors");
    }

    @Test
    void aMissingTensorIsNamedWithItsFile(@TempDir Path tmp) throws IOException {
        copyRenamed("llama", tmp, t -> t.equals("model.layers.1.mlp.up_proj.weight") ? null : t);
        assertThatThrownBy(() -> DecoderModel.load(tmp)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("model.layers.1.mlp.up_proj.weight").hasMessageContaining("model.safetensors");
    }

    @Test
    void aShapeThatDisagreesWithTheConfigIsNamedWithItsFile(@TempDir Path tmp) throws IOException {
        copyRenamed("qwen2", tmp, t -> t);
        Path config = tmp.resolve("config.json");
        Files.writeString(config, Files.readString(config).replace("\"intermediate_size\": 160", "\"intermediate_size\": 96"));
        assertThatThrownBy(() -> DecoderModel.load(tmp)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("model.layers.0.mlp.gate_proj.weight").hasMessageContaining("[160, 64]")
                .hasMessageContaining("[96, 64]").hasMessageContaining("model.safetensors");
    }

    @Test
    void aMissingEmbeddingTableListsThePrefixesTried(@TempDir Path tmp) throws IOException {
        copyRenamed("qwen2", tmp, t -> t.replace("model.", "decoder."));
        assertThatThrownBy(() -> DecoderModel.load(tmp)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("language_model.model.embed_tokens.weight");
    }

    @Test
    void randomModelsAreSeededAndFinite() throws IOException {
        DecoderConfig c = DecoderModel.load(LmFixtures.dir("llama")).config();
        float[] a = prefill(LmFixtures.randomDecoder(c, 3), new int[] {1, 2, 3});
        float[] b = prefill(LmFixtures.randomDecoder(c, 3), new int[] {1, 2, 3});
        float[] other = prefill(LmFixtures.randomDecoder(c, 4), new int[] {1, 2, 3});
        assertClose(a, b);
        assertThat(a).isNotEqualTo(other);
        for (float v : a) {
            assertThat(Float.isFinite(v)).isTrue();
        }
    }

    @Test
    void tokenIdsOutsideTheEmbeddingTableAreRejected() throws IOException {
        DecoderModel m = DecoderModel.load(LmFixtures.dir("qwen2"));
        assertThatThrownBy(() -> m.embed(new int[] {1, m.config().vocabSize()})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("token id " + m.config().vocabSize());
    }

    @Test
    void nonFiniteInputsAreRejectedBeforeTheCacheChanges() throws IOException {
        DecoderModel m = DecoderModel.load(LmFixtures.dir("qwen2"));
        KvCache cache = m.newCache(8);
        float[] x = m.embed(new int[] {1, 2});
        x[m.config().hiddenSize() + 3] = Float.NaN;
        assertThatThrownBy(() -> m.forward(cache, x, range(0, 2), 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("input row 1");
        assertThat(cache.length(0)).isZero();
    }

    @Test
    void aFullCacheIsAnError() throws IOException {
        DecoderModel m = DecoderModel.load(LmFixtures.dir("qwen2"));
        KvCache cache = m.newCache(4);
        assertThat(cache.capacity()).isEqualTo(4);
        assertThatThrownBy(() -> m.forward(cache, m.embed(new int[] {1, 2, 3, 4, 5}), range(0, 5), 1))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot take 5");
    }

    /** Copies a fixture checkpoint, renaming tensors (null drops one). */
    private static void copyRenamed(String model, Path dir, UnaryOperator<String> rename) throws IOException {
        Files.createDirectories(dir);
        Path src = LmFixtures.dir(model);
        Files.copy(src.resolve("config.json"), dir.resolve("config.json"));
        List<TensorData> out = new ArrayList<>();
        for (Map.Entry<String, TensorData> e : SafeTensors.read(src.resolve("model.safetensors")).tensors().entrySet()) {
            String name = rename.apply(e.getKey());
            if (name != null) {
                TensorData t = e.getValue();
                out.add(new TensorData(name, t.dtype(), t.shape(), t.data()));
            }
        }
        SafeTensors.write(dir.resolve("model.safetensors"), out, Map.of());
    }
}
