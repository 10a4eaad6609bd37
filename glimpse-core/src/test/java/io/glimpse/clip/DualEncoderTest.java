package io.glimpse.clip;

import io.glimpse.vision.VisionFixtures;
import io.glimpse.vision.VisionTower;
import io.glimpse.io.BadInputException;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static io.glimpse.vision.VisionFixtures.assertClose;
import static io.glimpse.vision.VisionFixtures.golden;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class DualEncoderTest {
    private static final double FP32 = 1e-4;
    /** Same prompts as TEXT_IDS in make_fixtures.py. */
    private static final int[][] IDS = {{98, 5, 17, 42, 99, 0, 0}, {98, 64, 3, 99, 0, 0, 0}};

    @Test
    void textTowerMatchesTorchWithCausalAttentionAndEosPooling() throws IOException {
        TextTower text = TextTower.load(VisionFixtures.dir("clip"));
        for (int k = 0; k < IDS.length; k++) {
            TextTower.Output out = text.forward(IDS[k]);
            assertThat(out.hiddenStates()).hasSize(3);
            for (int i = 0; i < 3; i++) {
                assertClose(out.hiddenStates().get(i), golden("clip", "text" + k + ".hidden." + i), FP32, "text" + k + " hidden " + i);
            }
            assertClose(out.lastHiddenState(), golden("clip", "text" + k + ".last_hidden_state"), FP32, "text" + k + " last");
        }
    }

    @Test
    void embeddingsAndLogitsMatchTorch() throws IOException {
        DualEncoder clip = DualEncoder.load(VisionFixtures.dir("clip"));
        float[] image = clip.imageEmbedding(golden("clip", "pixels.landscape"));
        assertClose(image, golden("clip", "clip.image_embeds"), FP32, "image embeds");
        float[] logits = golden("clip", "clip.logits_per_image");
        for (int k = 0; k < IDS.length; k++) {
            float[] t = clip.textEmbedding(IDS[k]);
            assertClose(t, golden("clip", "text" + k + ".text_embeds"), FP32, "text embeds " + k);
            assertThat(clip.logit(image, t)).isCloseTo(logits[k], within(1e-4 * (Math.abs(logits[k]) + 1)));
        }
    }

    @Test
    void badIdsAndNonClipTowersAreRejected() throws IOException {
        TextTower text = TextTower.load(VisionFixtures.dir("clip"));
        assertThatThrownBy(() -> text.forward(new int[] {98, 100, 99})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("token id 100");
        assertThatThrownBy(() -> text.forward(new int[9])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1..8");
        assertThatThrownBy(() -> text.forward(new int[] {98, 5})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("end-of-text");
        assertThatThrownBy(() -> TextTower.load(VisionFixtures.dir("siglip"))).isInstanceOf(BadInputException.class)
                .hasMessageContaining("model_type").hasMessageContaining("config.json");
        VisionTower noHead = VisionTower.load(VisionFixtures.dir("siglip"));
        assertThatThrownBy(() -> noHead.pooledOutput(golden("siglip", "pixels.landscape")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("vision_use_head");
    }

    @Test
    void tokenizerOutputIsFittedToEachTower() throws IOException {
        TextTower clip = TextTower.load(VisionFixtures.dir("clip"));
        assertThat(clip.fitIds(new int[] {98, 5, 99})).containsExactly(98, 5, 99);
        assertThat(clip.fitIds(new int[] {98, 1, 2, 3, 4, 5, 6, 7, 8, 99})).containsExactly(98, 1, 2, 3, 4, 5, 6, 99);
        TextTower siglip = TextTower.load(VisionFixtures.dir("siglip_pair"));
        assertThat(siglip.fitIds(new int[] {64, 3, 1})).containsExactly(64, 3, 1, 1, 1, 1, 1, 1);
        assertThat(siglip.fitIds(new int[] {2, 3, 4, 5, 6, 7, 8, 9, 10, 1})).containsExactly(2, 3, 4, 5, 6, 7, 8, 1);
        assertClose(siglip.forward(siglip.fitIds(new int[] {64, 3, 1})).pooled(), golden("siglip_pair", "text1.pooled"),
                FP32, "fitted SigLIP ids");
    }

    @Test
    void siglipPairMatchesTorchWithPoolingHeadsAndBias() throws IOException {
        DualEncoder siglip = DualEncoder.load(VisionFixtures.dir("siglip_pair"));
        float[] pixels = golden("siglip_pair", "pixels");
        assertClose(siglip.vision().pooledOutput(pixels), golden("siglip_pair", "vision.pooled"), FP32, "vision pooled");
        float[] image = siglip.imageEmbedding(pixels);
        int[][] ids = {{5, 17, 42, 1, 1, 1, 1, 1}, {64, 3, 1, 1, 1, 1, 1, 1}};
        float[] logits = golden("siglip_pair", "logits_per_text");
        for (int k = 0; k < ids.length; k++) {
            TextTower.Output out = siglip.text().forward(ids[k]);
            assertClose(out.lastHiddenState(), golden("siglip_pair", "text" + k + ".last_hidden_state"), FP32, "siglip text " + k);
            assertClose(out.pooled(), golden("siglip_pair", "text" + k + ".pooled"), FP32, "siglip pooled " + k);
            assertThat(siglip.logit(image, siglip.textEmbedding(ids[k])))
                    .isCloseTo(logits[k], within(1e-4 * (Math.abs(logits[k]) + 1)));
        }
    }
}
