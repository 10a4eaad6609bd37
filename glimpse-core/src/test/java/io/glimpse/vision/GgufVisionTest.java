package io.glimpse.vision;

import io.glimpse.io.BadInputException;
import io.glimpse.io.GgufFile;
import io.glimpse.io.SafeTensors;
import io.glimpse.io.JsonFiles;
import io.glimpse.io.Checkpoint;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Vision towers from the mmproj files gguf-py wrote from the LLaVA fixtures (fixtures/gguf/make_gguf_fixtures.py): the
 * LLaVA-1.5 CLIP tower in the legacy converter's names, the OneVision SigLIP tower in gguf-py's own. Each gives the
 * features a numpy forward pass computes over gguf-py's dequantization of its stored weights, and the F32 files give
 * the safetensors tower's features.
 */
class GgufVisionTest {
    static final Path GGUF = Path.of("src/test/resources/fixtures/gguf");
    static final Path LLAVA = Path.of("src/test/resources/fixtures/llava");

    private static float maxDiff(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        float m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    private static float[] golden(String key) throws IOException {
        return SafeTensors.read(GGUF.resolve("golden.safetensors")).tensors().get(key).toFloats();
    }

    private static float[] features(VisionTower tower, float[] pixels) {
        VisionOutput out = tower.forward(pixels, EncodeOptions.defaults());
        int first = tower.config().dropCls() ? 1 : 0;
        return java.util.Arrays.copyOfRange(out.features(), first * out.dim(), out.tokens() * out.dim());
    }

    @ParameterizedTest
    @CsvSource({"llava15-mmproj-f32, 1e-5", "llava15-mmproj-f16, 1e-4", "llava15-mmproj-q8_0, 1e-4",
            "onevision-mmproj-f32, 1e-5", "onevision-mmproj-q8_0, 1e-4"})
    void towersGiveTheFeaturesOfTheirDequantizedWeights(String file, double tol) throws IOException {
        VisionTower tower = VisionTower.load(GgufFile.read(GGUF.resolve(file + ".gguf")));
        float[] got = features(tower, golden(file + ".pixels"));
        assertThat(maxDiff(got, golden(file + ".features"))).as(file).isLessThanOrEqualTo((float) tol);
        if (!file.endsWith("f32")) {
            // the stored precision was read as stored: the F32 file's features are further away than the tolerance
            String f32 = file.substring(0, file.lastIndexOf('-')) + "-f32";
            assertThat(maxDiff(got, golden(f32 + ".features"))).as(file + " vs F32").isGreaterThan((float) tol);
        }
    }

    @ParameterizedTest
    @CsvSource({"llava15, llava15-mmproj-f32", "onevision, onevision-mmproj-f32"})
    void f32TowersEqualTheSafetensorsTower(String fixture, String file) throws IOException {
        Path dir = LLAVA.resolve(fixture);
        VisionTower safetensors = VisionTower.load(Checkpoint.open(dir), JsonFiles.readObject(dir.resolve("config.json")),
                dir.resolve("config.json"));
        VisionTower gguf = VisionTower.load(GgufFile.read(GGUF.resolve(file + ".gguf")));
        VisionConfig a = safetensors.config();
        VisionConfig b = gguf.config();
        assertThat(b.family()).isEqualTo(a.family());
        assertThat(b.activation()).isEqualTo(a.activation());
        assertThat(b.dropCls()).isEqualTo(a.dropCls());
        assertThat(b.gridSize()).isEqualTo(a.gridSize());
        float[] pixels = golden(file + ".pixels");
        assertThat(maxDiff(features(gguf, pixels), features(safetensors, pixels))).isLessThanOrEqualTo(1e-5f);
    }

    @Test
    void processorsAreTheFamilysWithTheFilesMeanAndStd() throws IOException {
        GgufFile clip = GgufFile.read(GGUF.resolve("llava15-mmproj-f32.gguf"));
        ImageProcessor fromGguf = GgufVision.processor(clip, GgufVision.config(clip), false);
        ImageProcessor fromJson = ImageProcessor.read(LLAVA.resolve("llava15/preprocessor_config.json"));
        assertThat(fromGguf).usingRecursiveComparison().ignoringFields("resampler").isEqualTo(fromJson);
        GgufFile siglip = GgufFile.read(GGUF.resolve("onevision-mmproj-f32.gguf"));
        ImageProcessor ov = GgufVision.processor(siglip, GgufVision.config(siglip), true);
        assertThat(ov).usingRecursiveComparison().ignoringFields("resampler")
                .isEqualTo(ImageProcessor.read(LLAVA.resolve("onevision/preprocessor_config.json")));
    }

    @Test
    void aDecoderFileIsNotAnMmproj() {
        assertThatThrownBy(() -> VisionTower.load(GgufFile.read(GGUF.resolve("qwen2-f32.gguf"))))
                .isInstanceOf(BadInputException.class).hasMessageContaining("qwen2-f32.gguf")
                .hasMessageContaining("general.architecture 'qwen2' is not clip");
    }
}
