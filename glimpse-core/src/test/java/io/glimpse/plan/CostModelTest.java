package io.glimpse.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class CostModelTest {
    private static int cost(String target, int w, int h) {
        return CostModels.forName(target).cost(w, h);
    }

    @Test
    void openAiHighDetailMatchesTheDocumentedExamples() {
        assertThat(cost("gpt-4o", 1024, 1024)).isEqualTo(765);
        assertThat(cost("gpt-4o", 2048, 4096)).isEqualTo(1105);
        assertThat(cost("gpt-4o", 500, 500)).isEqualTo(255);
        assertThat(cost("gpt-4o", 1920, 1080)).isEqualTo(1105);
        assertThat(cost("gpt-4o", 512, 512)).isEqualTo(255);
        Rung r = CostModels.forName("gpt-4o").at(2048, 4096);
        assertThat(List.of(r.width(), r.height())).containsExactly(768, 1536);
    }

    @Test
    void openAiLowDetailIsFlat() {
        assertThat(cost("gpt-4o-low", 4000, 3000)).isEqualTo(85);
        assertThat(cost("gpt-4o-low", 100, 100)).isEqualTo(85);
    }

    @Test
    void claudeIsPixelsOver750WithTheLongEdgeAndTokenCaps() {
        assertThat(cost("claude", 1024, 1024)).isEqualTo(1399);
        assertThat(cost("claude", 512, 512)).isEqualTo(350);
        Rung hd = CostModels.forName("claude").at(1920, 1080);
        assertThat(hd.cost()).isBetween(1590, 1600);
        assertThat(Math.max(hd.width(), hd.height())).isLessThanOrEqualTo(1568);
        assertThat(CostModels.forName("claude").at(3000, 600).width()).isEqualTo(1568);
    }

    @Test
    void geminiCountsOneTileUpTo768AndTilesAbove() {
        assertThat(cost("gemini", 384, 384)).isEqualTo(258);
        assertThat(cost("gemini", 768, 432)).isEqualTo(258);
        assertThat(cost("gemini", 1024, 1024)).isEqualTo(1032);
        assertThat(cost("gemini", 1920, 1080)).isEqualTo(1548);
    }

    @Test
    void llavaCostsAreFixedAtNativeResolution() {
        assertThat(cost("llava-1.5", 1920, 1080)).isEqualTo(576);
        assertThat(cost("llava-1.5", 100, 100)).isEqualTo(576);
        assertThat(cost("llava-onevision", 384, 384)).isEqualTo(196);
        assertThat(cost("llava-onevision", 1920, 1080)).isEqualTo(196);
        // The video processor resizes every frame to 384x384, so a smaller frame is pooled to the same 14x14.
        assertThat(cost("llava-onevision", 192, 108)).isEqualTo(196);
        assertThat(CostModels.forName("llava-onevision").ladder(1920, 1080)).hasSize(1);
    }

    @Test
    void llavaOneVisionImagesCostTheirAnyresTokens() {
        LlavaOneVisionCost ov = new LlavaOneVisionCost();
        // LlavaOnevisionProcessor._get_number_of_features (transformers), worked counts: one 384 tile → 729 + 729 + 27; 640×480 → 729 + 40·54 + 40.
        assertThat(ov.imageCost(384, 384)).isEqualTo(1485);
        assertThat(ov.imageCost(640, 480)).isEqualTo(2929);
        // Portrait 480×640 unpads columns instead: int(480·54/640) = 40 kept of 54 → 729 + 54·40 + 54.
        assertThat(ov.imageCost(480, 640)).isEqualTo(729 + 54 * 40 + 54);
    }

    @Test
    void qwenSmartResizeMatchesTheReferenceRule() {
        QwenVlCost q = new QwenVlCost();
        assertThat(q.smartResize(1080, 1920)).containsExactly(728, 1316);
        assertThat(q.smartResize(480, 640)).containsExactly(476, 644);
        assertThat(q.smartResize(20, 30)).containsExactly(56, 84);
        assertThat(q.smartResize(70, 70)).containsExactly(56, 56);
        assertThat(q.smartResize(42, 98)).containsExactly(56, 112);
        assertThat(q.smartResize(1000, 1000)).containsExactly(980, 980);
        assertThat(cost("qwen2-vl", 1920, 1080)).isEqualTo(26 * 47);
        assertThat(cost("qwen2-vl", 224, 224)).isEqualTo(64);
        assertThatThrownBy(() -> q.smartResize(10, 2500)).hasMessageContaining("aspect");
    }

    @Test
    void unknownTargetListsTheValidOnes() {
        assertThatThrownBy(() -> CostModels.forName("gpt-5"))
                .isInstanceOf(io.glimpse.io.BadInputException.class)
                .hasMessageContaining("gpt-5")
                .hasMessageContaining("gpt-4o, gpt-4o-low, claude, gemini");
    }

    @Test
    void laddersStartNativeAndGetStrictlyCheaper() {
        for (String name : CostModels.names()) {
            CostModel m = CostModels.forName(name);
            List<Rung> ladder = m.ladder(1920, 1080);
            assertThat(ladder.get(0)).as(name).isEqualTo(m.at(1920, 1080));
            for (int i = 1; i < ladder.size(); i++) {
                assertThat(ladder.get(i).cost()).as(name).isLessThan(ladder.get(i - 1).cost());
                assertThat(ladder.get(i).pixels()).as(name).isLessThan(ladder.get(i - 1).pixels());
            }
        }
        List<Rung> gpt = CostModels.forName("gpt-4o").ladder(1920, 1080);
        assertThat(gpt).extracting(Rung::cost).containsExactly(1105, 765, 425, 255);
        assertThat(CostModels.forName("llava-1.5").ladder(1920, 1080)).hasSize(1);
    }
}
