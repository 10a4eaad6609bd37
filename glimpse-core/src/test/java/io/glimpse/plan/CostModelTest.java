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

    /**
     * Worked by hand from Qwen2VLVideoProcessor's smart_resize (pixels within 128·28² … 768·28²) and its two-frame
     * temporal patches. 1920×1080: rounded to 1092×1932, too many pixels, beta = √(1920·1080/602112) = 1.8558, so
     * floor(1080/1.8558/28)·28 = 560 by floor(1920/1.8558/28)·28 = 1008: 20·36 = 720 tokens a pair, 360 a frame.
     * 640×480: 476×644 fits the bounds, 17·23 = 391 tokens a pair, 196 a frame (one over per pair). 224×224: too
     * few pixels, beta = √(100352/50176) = √2, ceil(224·√2/28)·28 = 336 each way: 12·12 = 144 a pair.
     */
    @Test
    void qwenVideoFramesShareTokensInPairs() {
        CostModel video = CostModels.forName("qwen2-vl-video");
        assertThat(video.at(1920, 1080)).isEqualTo(new Rung(1008, 560, 360));
        assertThat(video.at(640, 480)).isEqualTo(new Rung(644, 476, 196));
        assertThat(video.at(224, 224)).isEqualTo(new Rung(336, 336, 72));
        assertThat(video.frameStep()).isEqualTo(2);
        assertThat(video.ladder(1920, 1080)).containsExactly(new Rung(1008, 560, 360));
        // As an image the same 1920x1080 frame costs its own 26·47 tokens, under the image bounds.
        assertThat(cost("qwen2-vl", 1920, 1080)).isEqualTo(26 * 47);
    }

    /** Three 640×480 frames are two temporal patches (the third padded with a copy of itself): 2 · 391 = 782. */
    @Test
    void anOddCountOfQwenVideoFramesPaysForThePaddingCopy() {
        List<Candidate> frames = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            frames.add(new Candidate(i, 640, 480, new float[] {1, i}));
        }
        Plan three = Planner.plan(frames, new PlanRequest(3 * 196 + 196, "qwen2-vl-video", PlanMethod.UNIFORM, 1.0,
                null));
        assertThat(three.frames()).extracting(PlannedFrame::cost).containsExactly(196, 196, 392);
        assertThat(three.totalCost()).isEqualTo(784).isGreaterThanOrEqualTo(2 * 391);
        // One token short of that leaves room for two frames only, one pair.
        Plan two = Planner.plan(frames, new PlanRequest(783, "qwen2-vl-video", PlanMethod.UNIFORM, 1.0, null));
        assertThat(two.frames()).extracting(PlannedFrame::cost).containsExactly(196, 196);
        // A lone frame is sent with its copy: 392, so 391 buys nothing.
        assertThatThrownBy(() -> Planner.plan(frames.subList(0, 1),
                new PlanRequest(391, "qwen2-vl-video", PlanMethod.UNIFORM, 1.0, null)))
                .isInstanceOf(io.glimpse.io.BadInputException.class).hasMessageContaining("392 tokens");
    }

    /** Gemini samples video at 1 fps, 258 tokens a frame (66 at low media resolution): a minute is 15,480 (3,960). */
    @Test
    void geminiVideoIsAFlatRatePerSecondOfVideo() {
        assertThat(cost("gemini-video", 1920, 1080)).isEqualTo(258);
        assertThat(cost("gemini-video", 64, 64)).isEqualTo(258);
        assertThat(cost("gemini-video-low", 1920, 1080)).isEqualTo(66);
        assertThat(CostModels.forName("gemini-video").ladder(1920, 1080)).hasSize(1);
        List<Candidate> minute = new java.util.ArrayList<>();
        for (int i = 0; i < 60; i++) {
            minute.add(new Candidate(i, 1280, 720, new float[] {1, i % 7}));
        }
        Plan all = Planner.plan(minute, new PlanRequest(15_480, "gemini-video", PlanMethod.UNIFORM, 1.0, null));
        assertThat(all.frames()).hasSize(60);
        assertThat(all.totalCost()).isEqualTo(15_480);
        Plan low = Planner.plan(minute, new PlanRequest(3_960, "gemini-video-low", PlanMethod.UNIFORM, 1.0, null));
        assertThat(low.frames()).hasSize(60);
        assertThat(Planner.plan(minute, new PlanRequest(15_479, "gemini-video", PlanMethod.UNIFORM, 1.0, null))
                .frames()).hasSize(59);
    }

    /**
     * LLaVA-OneVision video frames, worked from transformers' apply_pooling: the tower's g×g grid is interpolated
     * bilinearly to ⌈g/2⌉ a side, so SigLIP-so400m's 27×27 = 729 patches become 14×14 = 196 rows a frame and a
     * 24×24 tower (336 px) 12×12 = 144; eight frames of any size cost 8 · 196 = 1568.
     */
    @Test
    void llavaOneVisionVideoFramesArePooledToHalfTheGridRoundedUp() {
        assertThat(LlavaOneVisionCost.pooledSide(27)).isEqualTo(14);
        assertThat(LlavaOneVisionCost.pooledSide(24)).isEqualTo(12);
        assertThat(new LlavaOneVisionCost(336, 24, io.glimpse.image.AnyresGrid.oneVision()).cost(640, 480))
                .isEqualTo(144);
        List<Candidate> eight = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            eight.add(new Candidate(i, 1280, 720, new float[] {1, i}));
        }
        Plan plan = Planner.plan(eight, new PlanRequest(1568, "llava-onevision", PlanMethod.UNIFORM, 1.0, null));
        assertThat(plan.frames()).hasSize(8).allSatisfy(f -> assertThat(f.cost()).isEqualTo(196));
        assertThat(plan.frames().get(0).width()).isEqualTo(384);
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
