package io.glimpse.llava;

import io.glimpse.image.RgbImage;
import io.glimpse.plan.Candidate;
import io.glimpse.plan.CostModel;
import io.glimpse.plan.LlavaOneVisionCost;
import io.glimpse.plan.Plan;
import io.glimpse.plan.PlanRequest;
import io.glimpse.plan.PlannedFrame;
import io.glimpse.plan.Planner;
import io.glimpse.plan.PlanMethod;
import io.glimpse.vision.PatchStats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A plan priced by a checkpoint's own cost model spends exactly the visual rows the model then receives, on both
 * LLaVA families' tiny fixtures.
 */
class PlannedCostTest {
    static LlavaModel llava15;
    static LlavaModel oneVision;
    static List<RgbImage> images;

    @BeforeAll
    static void load() throws IOException {
        llava15 = LlavaModel.load(LlavaModelTest.LLAVA15);
        oneVision = LlavaModel.load(LlavaModelTest.FIXTURES.resolve("llava/onevision"));
        images = List.of(LlavaModelTest.landscape(), LlavaModelTest.png(LlavaModelTest.FIXTURES.resolve("vision/portrait.png")),
                LlavaModelTest.png(LlavaModelTest.FIXTURES.resolve("llava/wide.png")),
                LlavaModelTest.png(LlavaModelTest.FIXTURES.resolve("llava/tall.png")));
    }

    @AfterAll
    static void close() {
        llava15.close();
        oneVision.close();
    }

    private static int rows(LlavaModel model, Ask.Request.Builder request) {
        return Ask.run(model, request.maxTokens(1).build(), s -> { }).stats().visualRows();
    }

    @Test
    void aPlannedVideoCostsTheRowsOneVisionSpendsOnItsFrames() {
        PatchStats describer = new PatchStats(14);
        List<Candidate> candidates = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            RgbImage im = images.get(i);
            candidates.add(new Candidate(i, im.width(), im.height(), describer.describe(im).descriptor()));
        }
        CostModel cost = oneVision.costModel();
        for (int budget : new int[] {20, 40, 64}) {
            Plan plan = Planner.plan(candidates, new PlanRequest(budget, cost.name(), PlanMethod.UNIFORM, 1, null), cost);
            List<RgbImage> chosen = new ArrayList<>();
            for (PlannedFrame f : plan.frames()) {
                chosen.add(images.get(f.source()));
            }
            // The one image_newline closes the video, beyond the frames' rows.
            assertThat(rows(oneVision, Ask.Request.video(chosen, "q"))).as("budget %d", budget)
                    .isEqualTo(plan.totalCost() + 1);
            assertThat(plan.totalCost()).isLessThanOrEqualTo(budget).isGreaterThan(budget - 16);
        }
    }

    @Test
    void aLoneImageCostsItsRowsInEitherFamily() {
        LlavaOneVisionCost oneVisionCost = (LlavaOneVisionCost) oneVision.costModel();
        for (RgbImage im : images) {
            assertThat(rows(oneVision, Ask.Request.images(List.of(im), "q")))
                    .isEqualTo(oneVisionCost.imageCost(im.width(), im.height()));
            assertThat(rows(llava15, Ask.Request.images(List.of(im), "q")))
                    .isEqualTo(llava15.costModel().cost(im.width(), im.height()));
        }
    }
}
