package io.glimpse.llava;

import io.glimpse.image.AnyresGrid;
import io.glimpse.image.RgbImage;
import io.glimpse.io.BadInputException;
import io.glimpse.io.SafeTensors;
import io.glimpse.lm.KvCache;
import io.glimpse.lm.PositionPolicy;
import io.glimpse.lm.Sampler;
import io.glimpse.reduce.Pipeline;
import io.glimpse.reduce.ReduceContext;
import io.glimpse.tokens.TokenSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import static io.glimpse.llava.OneVisionVideoTest.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * LLaVA-OneVision single images on the tiny checkpoint (56-pixel tiles of 7×7 patches, eight pinpoints,
 * anyres_max_3) against fixtures/llava/make_fixtures.py: the processor's crops, its placeholder counts, the packed
 * rows (unpadding by rows for wide.png, with the anyres_max shrink; by columns for tall.png) and the answer.
 */
class OneVisionImageTest {
    static final Path DIR = LlavaModelTest.FIXTURES.resolve("llava/onevision");
    static LlavaModel model;
    static SafeTensors golden;
    static RgbImage wide;
    static RgbImage tall;

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() throws IOException {
        model = LlavaModel.load(DIR);
        golden = SafeTensors.read(DIR.resolve("image_golden.safetensors"));
        wide = LlavaModelTest.png(LlavaModelTest.FIXTURES.resolve("llava/wide.png"));
        tall = LlavaModelTest.png(LlavaModelTest.FIXTURES.resolve("llava/tall.png"));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static int[] tensor(String name) {
        return golden.tensors().get(name).toInts();
    }

    @Test
    void cropsAreTheBaseImageThenThePaddedTilesRowByRow() {
        for (var c : List.of(new Object[] {"wide", wide, 7}, new Object[] {"tall", tall, 4})) {
            List<RgbImage> crops = model.crops((RgbImage) c[1], 1).crops();
            assertThat(crops).as("%s crops", c[0]).hasSize((int) c[2]);
            int[] want = tensor(c[0] + ".crops");
            int[] got = crops.stream().flatMapToInt(img -> IntStream.range(0, img.rgb().length).map(i -> img.rgb()[i] & 0xff))
                    .toArray();
            assertThat(got).as("%s crop pixels", c[0]).containsExactly(want);
        }
    }

    @Test
    void placeholderCountsAreTheProcessorsAndTheModelFillsThemExactly() {
        // Hand count, wide 150×70: pinpoint 112×168 → 2×3 tiles, map 14×21; 150/70 > 21/14, so rows are unpadded:
        // int(70·21/150) = 9, pad (14 − 9) // 2 = 2 → 10×21 = 210 > 1.1²·3·49, ratio √(210/147) → 8×17 + 8 newlines.
        assertThat(model.imageTokens(150, 70, 1)).isEqualTo(49 + 8 * 17 + 8).isEqualTo(tensor("wide.tokens")[0]);
        // tall 36×130: pinpoint 168×56 → 3×1 tiles, map 21×7; int(36·21/130) = 5, pad 1 → 21×5, no shrink, 21 newlines.
        assertThat(model.imageTokens(36, 130, 1)).isEqualTo(49 + 21 * 5 + 21).isEqualTo(tensor("tall.tokens")[0]);
        assertThat(model.imageTokens(150, 70, 2)).as("one of several images: one crop and a newline").isEqualTo(50);
    }

    @Test
    void packedRowsMatchTheReference() {
        for (var c : List.of(new Object[] {"wide", wide}, new Object[] {"tall", tall})) {
            LlavaModel.ImageCrops crops = model.crops((RgbImage) c[1], 1);
            TokenSet tokens = model.encode(crops.crops(), false).tokens();
            LlavaModel.Block b = model.imageBlock(tokens, crops, false, PositionPolicy.KEEP_ORIGINAL);
            int n = tensor(c[0] + ".tokens")[0];
            assertThat(b.positions()).containsExactly(IntStream.range(0, n).toArray());
            assertThat(b.span()).isEqualTo(n);
            assertClose(b.rows(), golden.tensors().get(c[0] + ".features").toFloats(), c[0] + " rows");
        }
    }

    @Test
    void promptLogitsAndGreedyAnswerMatchTheReference() {
        int[] ids = model.promptIds("What is this?", 1, 0);
        assertThat(ids).containsExactly(tensor("prompt.ids"));
        LlavaModel.ImageCrops crops = model.crops(wide, 1);
        TokenSet tokens = model.encode(crops.crops(), false).tokens();
        LlavaModel.Prompt p = model.assemble(ids, List.of(model.imageBlock(tokens, crops, false, PositionPolicy.KEEP_ORIGINAL)));
        KvCache cache = model.decoder().newCache(p.ids().length);
        float[] logits = model.decoder().forward(cache, p.inputs(), p.positions(), p.ids().length);
        float[] tail = golden.tensors().get("prompt.tail_logits").toFloats();
        assertClose(Arrays.copyOfRange(logits, logits.length - tail.length, logits.length), tail, "logits after the image");

        Ask.Answer a = Ask.run(model, Ask.Request.images(List.of(wide), "What is this?").positions(PositionPolicy.KEEP_ORIGINAL)
                .maxTokens(8).sampler(Sampler.greedy()).build(), s -> { });
        assertThat(a.tokens()).containsExactly(tensor("prompt.greedy"));
        assertThat(a.stats().encoderTokens()).isEqualTo(7 * 49);
        assertThat(a.stats().visualRows()).isEqualTo(193);
    }

    @Test
    void reducedImagesArePlacedByThePolicyWithoutRowNewlines() {
        LlavaModel.ImageCrops crops = model.crops(tall, 1);
        TokenSet all = model.encode(crops.crops(), false).tokens();
        TokenSet kept = Pipeline.of("kcenter:k=12").apply(all, ReduceContext.defaults());
        LlavaModel.Block keep = model.imageBlock(kept, crops, true, PositionPolicy.KEEP_ORIGINAL);
        assertThat(keep.positions()).hasSize(12);
        assertThat(keep.span()).as("text continues after all 4 crops' patches").isEqualTo(4 * 49);
        LlavaModel.Block compact = model.imageBlock(kept, crops, true, PositionPolicy.RECOMPACT);
        assertThat(compact.positions()).containsExactly(IntStream.range(0, 12).toArray());
        assertThat(compact.rows()).containsExactly(model.project(kept));
    }

    @Test
    void severalImagesAreOneMeanPaddedSquareAndANewlineEach() {
        LlavaModel.ImageCrops crops = model.crops(wide, 2);
        assertThat(crops.crops()).singleElement().satisfies(sq -> {
            assertThat(sq.width()).isEqualTo(150);
            assertThat(sq.height()).isEqualTo(150);
            // int(0.5·255) = 127 above the centred image (rows 0..39), the image itself below.
            assertThat(sq.get(0, 0, 0)).isEqualTo(127);
            assertThat(sq.get(3, 40, 1)).isEqualTo(wide.get(3, 0, 1));
        });
        TokenSet tokens = model.encode(crops.crops(), false).tokens();
        LlavaModel.Block b = model.imageBlock(tokens, crops, false, PositionPolicy.KEEP_ORIGINAL);
        int d = model.decoder().config().hiddenSize();
        assertThat(b.positions()).containsExactly(IntStream.range(0, 50).toArray());
        float[] newline = golden.tensors().get("wide.features").toFloats();
        // The golden's first map row ends in image_newline: row 49 + 17.
        assertThat(Arrays.copyOfRange(b.rows(), 49 * d, 50 * d)).containsExactly(Arrays.copyOfRange(newline, 66 * d, 67 * d));
        Ask.Answer a = Ask.run(model, Ask.Request.images(List.of(wide, tall), "Compare.")
                .positions(PositionPolicy.KEEP_ORIGINAL).maxTokens(1).sampler(Sampler.greedy()).build(), s -> { });
        assertThat(a.stats().visualRows()).isEqualTo(100);
    }

    @Test
    void theRealCheckpointsCountsAreTheWorkedExamples() {
        AnyresGrid ov = AnyresGrid.oneVision();
        // LlavaOnevisionProcessor._get_number_of_features (transformers): 384² → 729 + 729 + 27; 640×480 → 2×2 tiles, rows unpadded to 40 → 729 + 40·55.
        assertThat(ov.tokens(384, 384)).isEqualTo(1485);
        assertThat(ov.tokens(480, 640)).isEqualTo(2929);
        assertThat(ov.bestResolution(480, 640)).containsExactly(768, 768);
        assertThat(ov.layout(480, 640).crops()).isEqualTo(5);
        // 1920×1080: best 1152×1920 (3×5 tiles), map 81×135, int(1080·135/1920) = 75 rows kept (pad 3); 75·135 > 1.21·9·729,
        // ratio √(10125/6561) = 1.2423 → 60×108, so 729 + 60·109.
        assertThat(ov.bestResolution(1080, 1920)).containsExactly(1152, 1920);
        assertThat(ov.tokens(1080, 1920)).isEqualTo(729 + 60 * 109);
        // A 1×1 image fits the first pinpoint at no waste beyond it: one tile, 729 + 729 + 27.
        assertThat(ov.tokens(1, 1)).isEqualTo(1485);
        assertThatThrownBy(() -> ov.tokens(0, 5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aspectRatioRuleAndPinpointsAreReadAndChecked() throws IOException {
        assertThat(AnyresGrid.maxCrops("anyres_max_9")).isEqualTo(9);
        assertThatThrownBy(() -> AnyresGrid.maxCrops("anyres")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AnyresGrid(56, 7, List.of(new int[] {56, 60}), 9))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiples");

        for (String f : List.of("config.json", "preprocessor_config.json", "tokenizer.json", "model.safetensors")) {
            Files.copy(DIR.resolve(f), tmp.resolve(f));
        }
        String config = Files.readString(DIR.resolve("config.json"));
        Files.writeString(tmp.resolve("config.json"), config.replace("\"anyres_max_3\"", "\"pad\""));
        assertThatThrownBy(() -> LlavaModel.load(tmp)).isInstanceOf(BadInputException.class).hasMessageContaining("anyres_max_N");
        Files.writeString(tmp.resolve("config.json"), config.replaceFirst("\\[\\s*56,\\s*56\\s*]", "[112, 112]"));
        assertThatThrownBy(() -> LlavaModel.load(tmp)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("image_grid_pinpoints differ");
    }
}
