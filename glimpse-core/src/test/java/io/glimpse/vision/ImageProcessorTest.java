package io.glimpse.vision;

import io.glimpse.image.Png;
import io.glimpse.image.RgbImage;
import io.glimpse.io.BadInputException;
import io.glimpse.tokens.VisualTokens;
import io.glimpse.tokens.TokenFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.glimpse.vision.VisionFixtures.assertClose;
import static io.glimpse.vision.VisionFixtures.golden;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageProcessorTest {
    @TempDir
    Path tmp;

    static RgbImage png(String name) throws IOException {
        return Png.read(VisionFixtures.dir(name + ".png"));
    }

    @Test
    void pixelsMatchTheReferenceProcessorsExactly() throws IOException {
        for (String model : new String[] {"clip", "siglip"}) {
            ImageProcessor proc = ImageProcessor.read(VisionFixtures.dir(model).resolve("preprocessor_config.json"));
            for (String image : new String[] {"landscape", "portrait"}) {
                assertThat(proc.process(png(image))).as(model + " " + image)
                        .containsExactly(golden(model, "pixels." + image));
            }
        }
    }

    @Test
    void shortestEdgeTruncatesTheLongSide() throws IOException {
        ImageProcessor proc = ImageProcessor.read(VisionFixtures.dir("clip").resolve("preprocessor_config.json"));
        // 56·61/45 = 75.9 → 75 (int(), not round); 56·50/30 = 93.3 → 93.
        assertThat(proc.resizedSize(61, 45)).containsExactly(75, 56);
        assertThat(proc.resizedSize(30, 50)).containsExactly(56, 93);
        assertThat(proc.outputWidth(61, 45)).isEqualTo(56);
    }

    @Test
    void encodingAnImageRunsProcessorAndTower() throws IOException {
        VisionTower tower = VisionTower.load(VisionFixtures.dir("siglip"));
        ImageProcessor proc = ImageProcessor.read(VisionFixtures.dir("siglip").resolve("preprocessor_config.json"));
        EncodedImage enc = tower.encode(png("landscape"), proc, EncodeOptions.defaults());
        assertClose(enc.tokens().embeddingsView(), golden("siglip", "hidden.3"), 1e-4, "encoded landscape");
        ImageProcessor clipProc = ImageProcessor.read(VisionFixtures.dir("clip").resolve("preprocessor_config.json"));
        assertThatThrownBy(() -> tower.encode(png("landscape"), clipProc, EncodeOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("56x56");
    }

    @Test
    void framesJoinIntoOneTokenSetWithAttentionIndexedByPatch() throws IOException {
        VisionTower tower = VisionTower.load(VisionFixtures.dir("clip"));
        ImageProcessor proc = ImageProcessor.read(VisionFixtures.dir("clip").resolve("preprocessor_config.json"));
        RgbImage a = png("landscape");
        RgbImage b = new RgbImage(30, 50, png("portrait").rgb(), 2.5);
        EncodeOptions opt = EncodeOptions.defaults().withLayer(-1).withAttention(Set.of(3), false);
        VisualTokens both = tower.encodeFrames(List.of(a, b), proc, opt);
        assertThat(both.tokens().frameCount()).isEqualTo(2);
        assertThat(both.tokens().size()).isEqualTo(32);
        assertThat(both.tokens().frameInfo(1).timestamp()).isEqualTo(2.5);
        assertThat(both.tokens().frame(16)).isEqualTo(1);
        float[] cls = both.attention().spelled().get("cls@3");
        assertThat(cls).hasSize(32);
        assertClose(Arrays.copyOf(cls, 16), golden("clip", "attn.cls.2"), 1e-4, "frame 0 cls@3");
        EncodedImage second = tower.encode(b, proc, opt);
        assertThat(Arrays.copyOfRange(cls, 16, 32)).containsExactly(second.attention().spelled().get("cls@3"));
        assertThat(Arrays.copyOfRange(both.tokens().embeddingsView(), 16 * 64, 32 * 64))
                .containsExactly(second.tokens().embeddingsView());

        Path file = tmp.resolve("tokens.safetensors");
        TokenFile.write(both.tokens(), file, Map.of(), both.attention());
        VisualTokens back = VisualTokens.read(file, 0, 0, false, 1);
        assertThat(back.tokens()).isEqualTo(both.tokens());
        assertThat(back.attention().spelled().get("cls@3")).containsExactly(cls);

        VisualTokens merged = tower.encodeFrames(List.of(a, b), proc, EncodeOptions.defaults().withTome(2));
        assertThat(merged.tokens().size()).isEqualTo(20);
        assertThat(merged.tokens().keptPatches()).isEqualTo(32);
    }

    @Test
    void llavaPadFillsWithTheMeanColourBeforeResizing() throws IOException {
        Path cfg = tmp.resolve("preprocessor_config.json");
        Files.writeString(cfg, """
                {"image_processor_type": "LlavaImageProcessor", "do_pad": true, "size": {"shortest_edge": 2},
                 "crop_size": {"height": 2, "width": 2}, "do_normalize": false}""");
        ImageProcessor proc = ImageProcessor.read(cfg, (img, w, h) -> {
            throw new AssertionError("a 2x2 square needs no resize");
        });
        RgbImage wide = new RgbImage(2, 1, new byte[] {(byte) 255, 0, 0, 0, (byte) 255, 0}, 0);
        float[] px = proc.process(wide);
        // Canvas 2x2, image pasted at row (2-1)/2 = 0; row 1 is int(mean·255) = (122, 116, 104), rescaled by 1/255.
        assertThat(px).containsExactly(1f, 0f, (float) (122 / 255.0), (float) (122 / 255.0),
                0f, 1f, (float) (116 / 255.0), (float) (116 / 255.0),
                0f, 0f, (float) (104 / 255.0), (float) (104 / 255.0));
    }

    @Test
    void oneVisionResizesEachCropToASquareAndItsDoPadIsNotPadToSquare() throws IOException {
        Path cfg = tmp.resolve("preprocessor_config.json");
        Files.writeString(cfg, """
                {"image_processor_type": "LlavaOnevisionImageProcessor", "do_pad": true, "image_mean": [0.5, 0.5, 0.5],
                 "image_std": [0.5, 0.5, 0.5], "image_grid_pinpoints": [[384, 384]]}""");
        ImageProcessor proc = ImageProcessor.read(cfg);
        assertThat(proc.pad()).as("do_pad pads batches of crops").isFalse();
        assertThat(List.of(proc.outputWidth(640, 480), proc.outputHeight(640, 480))).containsExactly(384, 384);
        Files.writeString(cfg, """
                {"image_processor_type": "LlavaOnevisionImageProcessor", "size": {"shortest_edge": 56}}""");
        proc = ImageProcessor.read(cfg);
        assertThat(List.of(proc.outputWidth(100, 30), proc.outputHeight(100, 30))).containsExactly(56, 56);
        // The class defaults are OpenAI CLIP's mean and std, as for CLIPImageProcessor.
        assertThat(proc.mean()[0]).isEqualTo(0.48145466f);
    }

    @Test
    void unsupportedSettingsAreNamed() throws IOException {
        Path cfg = tmp.resolve("preprocessor_config.json");
        Files.writeString(cfg, "{\"image_processor_type\": \"CLIPImageProcessor\", \"resample\": 2}");
        assertThatThrownBy(() -> ImageProcessor.read(cfg)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("resample").hasMessageContaining(cfg.toString());
        Files.writeString(cfg, "{\"image_processor_type\": \"Idefics3ImageProcessor\"}");
        assertThatThrownBy(() -> ImageProcessor.read(cfg)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("Idefics3ImageProcessor");
        Files.writeString(cfg, "{\"image_processor_type\": \"SiglipImageProcessor\", \"image_std\": [0.5, 0, 0.5]}");
        assertThatThrownBy(() -> ImageProcessor.read(cfg)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("image_std");
    }
}
