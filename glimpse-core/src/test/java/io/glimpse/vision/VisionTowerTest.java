package io.glimpse.vision;

import io.glimpse.nn.Activation;
import io.glimpse.io.BadInputException;
import io.glimpse.io.DType;
import io.glimpse.io.SafeTensors;
import io.glimpse.io.TensorData;
import io.glimpse.reduce.AttentionScores;
import io.glimpse.reduce.ReduceContext;
import io.glimpse.reduce.VisionZip;
import io.glimpse.tokens.TokenSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.glimpse.vision.VisionFixtures.assertClose;
import static io.glimpse.vision.VisionFixtures.golden;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VisionTowerTest {
    private static final double FP32 = 1e-4;

    @TempDir
    Path tmp;

    private static VisionOutput runAll(VisionTower tower, String model) throws IOException {
        EncodeOptions opt = EncodeOptions.defaults().withLayer(tower.config().layers()).withAllHiddenStates(true)
                .withAttention(Set.of(1, 2, 3), true);
        return tower.forward(golden(model, "pixels.landscape"), opt);
    }

    @Test
    void keyRowsAreTheHeadMeanKeysOfTheBlockInput() throws IOException {
        VisionTower tower = VisionTower.load(VisionFixtures.dir("clip"));
        VisionOutput out = tower.forward(golden("clip", "pixels.landscape"), EncodeOptions.defaults().withKeys(Set.of(1, 2)));
        Map<String, TensorData> w = SafeTensors.read(VisionFixtures.dir("clip").resolve("model.safetensors")).tensors();
        int d = 64;
        int heads = 4;
        int dh = d / heads;
        assertThat(out.attention().keyDim()).isEqualTo(dh);
        for (int block = 1; block <= 2; block++) {
            String l = "vision_model.encoder.layers." + (block - 1) + ".";
            float[] x = golden("clip", "hidden." + (block - 1));
            float[] g = w.get(l + "layer_norm1.weight").toFloats();
            float[] b = w.get(l + "layer_norm1.bias").toFloats();
            float[] wk = w.get(l + "self_attn.k_proj.weight").toFloats();
            float[] bk = w.get(l + "self_attn.k_proj.bias").toFloats();
            float[] expected = new float[16 * dh];
            for (int p = 0; p < 16; p++) {
                int row = (p + 1) * d;
                double mean = 0;
                double var = 0;
                for (int k = 0; k < d; k++) {
                    mean += x[row + k];
                }
                mean /= d;
                for (int k = 0; k < d; k++) {
                    var += (x[row + k] - mean) * (x[row + k] - mean);
                }
                double inv = 1 / Math.sqrt(var / d + 1e-5);
                for (int c = 0; c < dh; c++) {
                    double sum = 0;
                    for (int h = 0; h < heads; h++) {
                        int o = h * dh + c;
                        double key = bk[o];
                        for (int k = 0; k < d; k++) {
                            key += wk[o * d + k] * ((x[row + k] - mean) * inv * g[k] + b[k]);
                        }
                        sum += key;
                    }
                    expected[p * dh + c] = (float) (sum / heads);
                }
            }
            assertClose(out.attention().keyRows(block), expected, 1e-4, "head-mean keys of block " + block);
        }
    }

    /** HiPrune's {@code attn.mean(1).mean(1)[:, 1:]} of heads×t×t probabilities. */
    private static float[] globalAttention(float[] full, int t) {
        int heads = full.length / (t * t);
        float[] out = new float[t - 1];
        for (int j = 1; j < t; j++) {
            double s = 0;
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < t; i++) {
                    s += full[(h * t + i) * t + j];
                }
            }
            out[j - 1] = (float) (s / (heads * t));
        }
        return out;
    }

    @Test
    void clipMatchesTorchAtEveryHiddenStateAndAttention() throws IOException {
        VisionTower tower = VisionTower.load(VisionFixtures.dir("clip"));
        assertThat(tower.tensorPrefix()).isEqualTo("vision_model.");
        assertThat(tower.config().activation()).isEqualTo(Activation.QUICK_GELU);
        VisionOutput out = runAll(tower, "clip");
        assertThat(out.hiddenStates()).hasSize(4);
        for (int i = 0; i < 4; i++) {
            assertClose(out.hiddenStates().get(i), golden("clip", "hidden." + i), FP32, "clip hidden " + i);
        }
        for (int l = 0; l < 3; l++) {
            String cls = AttentionScores.key(AttentionScores.CLS, l + 1).toString();
            String received = AttentionScores.key(AttentionScores.RECEIVED, l + 1).toString();
            assertClose(out.attention().spelled().get(cls), golden("clip", "attn.cls." + l), FP32, cls);
            assertClose(out.attention().spelled().get(received), golden("clip", "attn.received." + l), FP32, received);
        }
        assertThat(out.fullAttention()).containsOnlyKeys(1, 2, 3);
        assertClose(out.fullAttention().get(2), golden("clip", "attn.full.1"), FP32, "full attention of block 2");
        assertClose(out.attention().spelled().get("global@2"), globalAttention(golden("clip", "attn.full.1"), 17), FP32,
                "global@2: torch's attention averaged over heads and all 17 queries");
        assertThat(out.hasCls()).isTrue();
        assertThat(out.tokens()).isEqualTo(17);
    }

    @Test
    void siglipMatchesTorchAtEveryHiddenStateAndAttention() throws IOException {
        VisionTower tower = VisionTower.load(VisionFixtures.dir("siglip"));
        assertThat(tower.tensorPrefix()).isEqualTo("vision_tower.vision_model.");
        assertThat(tower.config().activation()).isEqualTo(Activation.GELU_TANH);
        assertThat(tower.config().layerNormEps()).isEqualTo(1e-6);
        VisionOutput out = runAll(tower, "siglip");
        for (int i = 0; i < 4; i++) {
            assertClose(out.hiddenStates().get(i), golden("siglip", "hidden." + i), FP32, "siglip hidden " + i);
        }
        for (int l = 0; l < 3; l++) {
            assertThat(out.attention().spelled()).doesNotContainKey("cls@" + (l + 1));
            assertClose(out.attention().spelled().get("received@" + (l + 1)), golden("siglip", "attn.received." + l), FP32, "received@" + (l + 1));
        }
        assertThat(out.hasCls()).isFalse();
        assertThat(out.patchToken()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8);
    }

    @Test
    void postLayerNormAppliesToTheWholeSequenceOnlyWhenAsked() throws IOException {
        for (String model : new String[] {"clip", "siglip"}) {
            VisionTower tower = VisionTower.load(VisionFixtures.dir(model));
            float[] pixels = golden(model, "pixels.landscape");
            VisionOutput post = tower.forward(pixels, EncodeOptions.defaults().withLayer(-1).withPostLayerNorm(true));
            assertClose(post.features(), golden(model, "post_layernorm"), FP32, model + " post_layernorm");
            VisionOutput raw = tower.forward(pixels, EncodeOptions.defaults().withLayer(-1));
            assertClose(raw.features(), golden(model, "hidden.3"), FP32, model + " last hidden");
        }
    }

    @Test
    void featureLayerComesFromTheLlavaConfigAndOnlyNeededLayersRun() throws IOException {
        String llava = """
                {"architectures": ["LlavaForConditionalGeneration"], "model_type": "llava",
                 "vision_feature_layer": -2, "vision_feature_select_strategy": "default",
                 "vision_config": %s}""".formatted(Files.readString(VisionFixtures.dir("clip").resolve("config.json"))
                .replaceAll("(?s).*\"vision_config\": (\\{.*?\\}).*", "$1"));
        Path dir = VisionFixtures.copy("clip", tmp.resolve("llava"),
                n -> n.startsWith("vision_model.") ? "vision_tower." + n : n,
                DType.F32, llava);
        VisionTower tower = VisionTower.load(dir);
        assertThat(tower.tensorPrefix()).isEqualTo("vision_tower.vision_model.");
        assertThat(tower.config().dropCls()).isTrue();
        VisionOutput out = tower.forward(golden("clip", "pixels.landscape"), EncodeOptions.defaults());
        assertClose(out.features(), golden("clip", "hidden.2"), FP32, "hidden_states[-2]");
        VisionOutput embeddings = tower.forward(golden("clip", "pixels.landscape"), EncodeOptions.defaults().withLayer(0));
        assertClose(embeddings.features(), golden("clip", "hidden.0"), FP32, "hidden_states[0]");
        assertThat(tower.config().featureLayers()).containsExactly(-2);
    }

    @Test
    void severalFeatureLayersConcatenateAlongTheFeatureDimension() throws IOException {
        String config = Files.readString(VisionFixtures.dir("clip").resolve("config.json"))
                .replace("\"architectures\"", "\"vision_feature_layer\": [-2, 1], \"architectures\"");
        Path dir = VisionFixtures.copy("clip", tmp.resolve("multi"), n -> n, DType.BF16, config);
        VisionTower tower = VisionTower.load(dir);
        EncodedImage enc = tower.toTokens(tower.forward(golden("clip", "pixels.landscape"), EncodeOptions.defaults()), 0);
        assertThat(enc.tokens().dim()).isEqualTo(128);
        float[] h2 = golden("clip", "hidden.2");
        float[] h1 = golden("clip", "hidden.1");
        for (int t = 0; t < 16; t++) {
            float[] v = enc.tokens().vector(t);
            assertClose(Arrays.copyOf(v, 64), Arrays.copyOfRange(h2, (t + 1) * 64, (t + 2) * 64), FP32, "layer -2 part");
            assertClose(Arrays.copyOfRange(v, 64, 128), Arrays.copyOfRange(h1, (t + 1) * 64, (t + 2) * 64), FP32, "layer 1 part");
        }
        assertThatThrownBy(() -> tower.forward(golden("clip", "pixels.landscape"), EncodeOptions.defaults().withTome(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("several feature layers");
    }

    @Test
    void legacyConfigDictsAndTheTopLevelModelTypeAreEnough() throws IOException {
        String config = Files.readString(VisionFixtures.dir("clip").resolve("config.json"))
                .replace("\"vision_config\"", "\"vision_config_dict\"")
                .replace("\"model_type\": \"clip_vision_model\",", "");
        Path dir = VisionFixtures.copy("clip", tmp.resolve("legacy"), n -> n, DType.BF16, config);
        VisionTower tower = VisionTower.load(dir);
        assertThat(tower.config().family()).isEqualTo(VisionConfig.Family.CLIP);
        assertClose(tower.forward(golden("clip", "pixels.landscape"), EncodeOptions.defaults()).features(),
                golden("clip", "hidden.3"), FP32, "legacy config");
    }

    @Test
    void unprefixedFloat32CopyGivesTheSameAnswer() throws IOException {
        Path dir = VisionFixtures.copy("siglip", tmp.resolve("flat"),
                n -> n.startsWith("vision_tower.vision_model.") ? n.substring("vision_tower.vision_model.".length()) : null,
                DType.F32, null);
        VisionTower tower = VisionTower.load(dir);
        assertThat(tower.tensorPrefix()).isEmpty();
        VisionOutput out = tower.forward(golden("siglip", "pixels.landscape"), EncodeOptions.defaults());
        assertClose(out.features(), golden("siglip", "hidden.3"), FP32, "f32 copy");
    }

    @Test
    void bf16CopyAgreesToBf16Precision() throws IOException {
        Path dir = VisionFixtures.copy("siglip", tmp.resolve("bf16"), n -> n, DType.BF16, null);
        VisionOutput out = VisionTower.load(dir).forward(golden("siglip", "pixels.landscape"), EncodeOptions.defaults());
        float[] expected = golden("siglip", "hidden.3");
        // bf16 keeps 8 significant bits (relative step 2^-8); three layers compound it to a few of those steps.
        assertClose(out.features(), expected, 0.03, "bf16 copy");
        assertThat(out.features()).isNotEqualTo(expected);
    }

    @Test
    void tomeInsideTheEncoderMatchesTheReferenceMerges() throws IOException {
        for (String model : new String[] {"clip", "siglip"}) {
            VisionTower tower = VisionTower.load(VisionFixtures.dir(model));
            VisionOutput out = tower.forward(golden(model, "pixels.landscape"), EncodeOptions.defaults().withLayer(-1)
                    .withTome(2).withAllHiddenStates(true).withAttention(Set.of(1, 2, 3), false));
            for (int l = 1; l <= 3; l++) {
                assertClose(out.hiddenStates().get(l), golden(model, "tome.hidden." + l), FP32, model + " tome hidden " + l);
                assertClose(out.attention().spelled().get("received@" + l), golden(model, "tome.attn.received." + (l - 1)), FP32,
                        model + " tome received@" + l);
                if (model.equals("clip")) {
                    assertClose(out.attention().spelled().get("cls@" + l), golden(model, "tome.attn.cls." + (l - 1)), FP32,
                            model + " tome cls@" + l);
                }
            }
            assertThat(out.patchToken()).containsExactly(toInts(golden(model, "tome.origin")));
            assertThat(out.tokenSizes()).containsExactly(toInts(golden(model, "tome.size")));
        }
    }

    @Test
    void patchRowsBecomeATokenSetOnThePatchGridWithAttentionForReducers() throws IOException {
        VisionTower tower = VisionTower.load(VisionFixtures.dir("clip"));
        VisionOutput out = tower.forward(golden("clip", "pixels.landscape"),
                EncodeOptions.defaults().withLayer(2).withAttention(Set.of(-1, 1), false));
        EncodedImage enc = tower.toTokens(out, 1.5);
        TokenSet tokens = enc.tokens();
        assertThat(tokens.size()).isEqualTo(16);
        assertThat(tokens.frameInfo(0).gridH()).isEqualTo(4);
        assertThat(tokens.frameInfo(0).timestamp()).isEqualTo(1.5);
        float[] hidden2 = golden("clip", "hidden.2");
        float[] rowsWithoutCls = Arrays.copyOfRange(hidden2, 64, hidden2.length);
        assertClose(tokens.embeddingsView(), rowsWithoutCls, FP32, "patch rows");
        assertClose(out.cls(), Arrays.copyOf(hidden2, 64), FP32, "cls row");
        assertThat(enc.attention().spelled()).containsOnlyKeys("cls@1", "received@1", "global@1", "cls@3", "received@3",
                "global@3");
        assertThat(enc.attention().spelled().get("received@3")).hasSize(tokens.patchCount());
        assertClose(enc.attention().spelled().get("cls@3"), golden("clip", "attn.cls.2"), FP32, "cls@3 beyond the feature layer");
        assertThat(out.fullAttention()).isEmpty();
    }

    @Test
    void reducersConsumeTheAttentionVectorsDirectly() throws IOException {
        VisionTower tower = VisionTower.load(VisionFixtures.dir("clip"));
        EncodedImage enc = tower.toTokens(tower.forward(golden("clip", "pixels.landscape"),
                EncodeOptions.defaults().withLayer(2).withAttention(Set.of(2), false)), 0);
        float[] cls = enc.attention().spelled().get("cls@2");
        int best = 0;
        for (int p = 1; p < cls.length; p++) {
            best = cls[p] > cls[best] ? p : best;
        }
        TokenSet kept = new VisionZip(1, 1, AttentionScores.CLS, 2).apply(enc.tokens(),
                new ReduceContext(0, enc.attention(), null));
        assertThat(kept.size()).isEqualTo(2);
        assertThat(kept.origin(best)).isNotNegative();
        assertThat(kept.tokenSize(kept.origin(best))).isEqualTo(1);
    }

    @Test
    void tomeGroupsBecomeSizedTokensWithProvenance() throws IOException {
        VisionTower tower = VisionTower.load(VisionFixtures.dir("clip"));
        EncodedImage enc = tower.toTokens(tower.forward(golden("clip", "pixels.landscape"),
                EncodeOptions.defaults().withLayer(-1).withTome(2)), 0);
        TokenSet tokens = enc.tokens();
        int[] origin = toInts(golden("clip", "tome.origin"));
        float[] rows = golden("clip", "tome.hidden.3");
        assertThat(tokens.size()).isEqualTo(10);
        assertThat(Arrays.stream(tokens.sizes()).sum()).isEqualTo(16);
        for (int p = 0; p < 16; p++) {
            int t = tokens.origin(p);
            assertClose(tokens.vector(t), Arrays.copyOfRange(rows, origin[p] * 64, origin[p] * 64 + 64), FP32, "patch " + p);
        }
    }

    private static int[] toInts(float[] f) {
        int[] d = new int[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = Math.round(f[i]);
        }
        return d;
    }

    @Test
    void shardedCheckpointLoadsThroughItsIndex() throws IOException {
        Path one = VisionFixtures.copy("siglip", tmp.resolve("one"), n -> n, DType.F16, null);
        Path dir = Files.createDirectories(tmp.resolve("sharded"));
        Files.copy(one.resolve("config.json"), dir.resolve("config.json"));
        Map<String, TensorData> all = SafeTensors.read(one.resolve("model.safetensors")).tensors();
        List<TensorData> a = new ArrayList<>();
        List<TensorData> b = new ArrayList<>();
        StringBuilder map = new StringBuilder();
        for (TensorData t : all.values()) {
            boolean first = t.name().contains("layers.0.") || t.name().contains("embeddings");
            (first ? a : b).add(t);
            String shard = first ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors";
            map.append(map.length() == 0 ? "" : ",").append('"').append(t.name()).append("\":\"").append(shard).append('"');
        }
        SafeTensors.write(dir.resolve("model-00001-of-00002.safetensors"), a, Map.of());
        SafeTensors.write(dir.resolve("model-00002-of-00002.safetensors"), b, Map.of());
        Files.writeString(dir.resolve("model.safetensors.index.json"),
                "{\"metadata\": {\"total_size\": 0}, \"weight_map\": {" + map + "}}");
        VisionOutput out = VisionTower.load(dir).forward(golden("siglip", "pixels.landscape"), EncodeOptions.defaults());
        assertClose(out.features(), golden("siglip", "hidden.3"), FP32, "sharded");
        Files.delete(dir.resolve("model-00002-of-00002.safetensors"));
        assertThatThrownBy(() -> VisionTower.load(dir)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("model-00002-of-00002.safetensors");
    }

    @Test
    void repeatedPassesAreBitIdentical() throws IOException {
        VisionTower tower = VisionTower.load(VisionFixtures.dir("clip"));
        EncodeOptions opt = EncodeOptions.defaults().withAttention(Set.of(1, 2, 3), false);
        VisionOutput a = tower.forward(golden("clip", "pixels.portrait"), opt);
        VisionOutput b = tower.forward(golden("clip", "pixels.portrait"), opt);
        assertThat(a.features()).containsExactly(b.features());
        for (String key : a.attention().spelled().keySet()) {
            assertThat(a.attention().spelled().get(key)).containsExactly(b.attention().spelled().get(key));
        }
    }

    @Test
    void missingTensorIsNamedWithItsFile() throws IOException {
        String dropped = "vision_model.encoder.layers.1.mlp.fc2.bias";
        Path dir = VisionFixtures.copy("clip", tmp.resolve("missing"), n -> n.equals(dropped) ? null : n, DType.F32, null);
        assertThatThrownBy(() -> VisionTower.load(dir)).isInstanceOf(BadInputException.class)
                .hasMessageContaining(dropped).hasMessageContaining("model.safetensors");
    }

    @Test
    void extraTensorUnderTheTowerPrefixIsRejected() throws IOException {
        String config = Files.readString(VisionFixtures.dir("clip").resolve("config.json"))
                .replace("\"num_hidden_layers\": 3", "\"num_hidden_layers\": 2");
        Path dir = VisionFixtures.copy("clip", tmp.resolve("extra"), n -> n, DType.F32, config);
        assertThatThrownBy(() -> VisionTower.load(dir)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("unexpected tensor 'vision_model.encoder.layers.2.")
                .hasMessageContaining("model.safetensors");
    }

    @Test
    void aTowerLargerThanRamIsRefusedUpFrontWithTheSizeItNeeds() throws IOException {
        int layers = 2_000_000;
        String config = Files.readString(VisionFixtures.dir("clip").resolve("config.json"))
                .replace("\"num_hidden_layers\": 3", "\"num_hidden_layers\": " + layers);
        Path dir = VisionFixtures.copy("clip", tmp.resolve("huge"), n -> n, DType.F32, config);
        // CLIP d = 64, 128 wide MLP, 14 px patches on 56 px: 16 patches and CLS.
        long d = 64;
        long inter = 128;
        long perLayer = 4 * d * d + 8 * d + 2 * d * inter + inter + d;
        long floats = d * 3 * 14 * 14 + d + 17 * d + 2 * d + layers * perLayer + 2 * d;
        assertThatThrownBy(() -> VisionTower.load(dir)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("model.safetensors")
                .hasMessageContaining("the vision tower's weights as f32 need " + ((4 * floats) >> 20) + " MB of memory")
                .hasMessageNotContaining("\n");
    }

    @Test
    void shapeContradictingConfigIsNamed() throws IOException {
        String config = Files.readString(VisionFixtures.dir("siglip").resolve("config.json"))
                .replace("\"intermediate_size\": 128", "\"intermediate_size\": 96");
        Path dir = VisionFixtures.copy("siglip", tmp.resolve("shape"), n -> n, DType.F16, config);
        assertThatThrownBy(() -> VisionTower.load(dir)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("vision_tower.vision_model.encoder.layers.0.mlp.fc1.weight")
                .hasMessageContaining("[128, 64]").hasMessageContaining("[96, 64]").hasMessageContaining("config.json");
    }

    @Test
    void unknownArchitectureAndActivationAreNamed() throws IOException {
        Path dir = VisionFixtures.copy("clip", tmp.resolve("arch"), n -> n, DType.F32,
                "{\"architectures\": [\"WhisperModel\"], \"model_type\": \"whisper\"}");
        assertThatThrownBy(() -> VisionTower.load(dir)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("WhisperModel").hasMessageContaining("config.json");
        String config = Files.readString(VisionFixtures.dir("clip").resolve("config.json"))
                .replace("\"quick_gelu\"", "\"swish\"");
        Files.writeString(dir.resolve("config.json"), config);
        assertThatThrownBy(() -> VisionTower.load(dir)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("hidden_act").hasMessageContaining("swish");
    }

    @Test
    void truncatedCheckpointIsNamed() throws IOException {
        Path dir = VisionFixtures.copy("clip", tmp.resolve("trunc"), n -> n, DType.BF16, null);
        Path model = dir.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(model);
        Files.write(model, Arrays.copyOf(bytes, bytes.length - 100));
        assertThatThrownBy(() -> VisionTower.load(dir)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("model.safetensors").hasMessageContaining("truncated");
    }

    @Test
    void badRequestsAreRejected() throws IOException {
        VisionTower tower = VisionTower.load(VisionFixtures.dir("siglip"));
        float[] pixels = golden("siglip", "pixels.landscape");
        assertThatThrownBy(() -> tower.forward(pixels, EncodeOptions.defaults().withLayer(4)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("feature layer 4");
        assertThatThrownBy(() -> tower.forward(new float[10], EncodeOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class);
        float[] nan = pixels.clone();
        nan[5] = Float.NaN;
        assertThatThrownBy(() -> tower.forward(nan, EncodeOptions.defaults())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tower.forward(pixels, EncodeOptions.defaults().withAttention(Set.of(0), false)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("attention block 0");
        assertThatThrownBy(() -> tower.forward(pixels, EncodeOptions.defaults().withAttention(Set.of(-4), false)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("attention block -4");
        Map<String, float[]> none = tower.forward(pixels, EncodeOptions.defaults()).attention().spelled();
        assertThat(none).isEmpty();
    }
}
