package io.glimpse.llava;

import io.glimpse.image.RgbImage;
import io.glimpse.io.BadInputException;
import io.glimpse.plan.Candidate;
import io.glimpse.plan.CostModel;
import io.glimpse.plan.LlavaOneVisionCost;
import io.glimpse.plan.Plan;
import io.glimpse.plan.PlanMethod;
import io.glimpse.plan.PlanRequest;
import io.glimpse.plan.PlannedFrame;
import io.glimpse.plan.Planner;
import io.glimpse.reduce.ParamDef;
import io.glimpse.reduce.Pipeline;
import io.glimpse.reduce.ReducerMethod;
import io.glimpse.reduce.Reducers;
import io.glimpse.vision.PatchStats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A reduction never hands the decoder more visual rows than the model spends without one, for every method at its
 * defaults, on both LLaVA families (a LLaVA-1.5 image; a OneVision video, whose frames the model pools, and a lone
 * OneVision image, which it tiles), and budgets count decoder rows wherever the method acts; a plan priced by a
 * checkpoint's own cost model spends exactly the rows the model then receives.
 */
class ReducedRowsTest {
    static LlavaModel llava15;
    static LlavaModel oneVision;
    static List<RgbImage> frames;
    static List<RgbImage> images;

    @BeforeAll
    static void load() throws IOException {
        llava15 = LlavaModel.load(LlavaModelTest.LLAVA15);
        oneVision = LlavaModel.load(LlavaModelTest.FIXTURES.resolve("llava/onevision"));
        frames = List.of(LlavaModelTest.landscape(), LlavaModelTest.png(LlavaModelTest.FIXTURES.resolve("vision/portrait.png")));
        images = List.of(frames.get(0), frames.get(1), LlavaModelTest.png(LlavaModelTest.FIXTURES.resolve("llava/wide.png")),
                LlavaModelTest.png(LlavaModelTest.FIXTURES.resolve("llava/tall.png")));
    }

    @AfterAll
    static void close() {
        llava15.close();
        oneVision.close();
    }

    private static Ask.Stats ask(LlavaModel model, boolean video, Pipeline pipeline) {
        Ask.Request.Builder b = video ? Ask.Request.video(frames, "What happens?")
                : Ask.Request.images(List.of(frames.get(0)), "What is this?");
        b.maxTokens(1);
        if (pipeline != null) {
            b.reduce(pipeline);
        }
        return Ask.run(model, b.build(), s -> { }).stats();
    }

    /** The method at its defaults, with attention read from the fixtures' first block and a budget where none is default. */
    private static Pipeline atDefaults(ReducerMethod m) {
        List<String> values = new ArrayList<>();
        for (ParamDef p : m.params()) {
            if (p.name().endsWith("layer")) {
                values.add(p.name() + "=1");
            }
        }
        if (m.budgeted() && m.param("keep").defaultValue() == null) {
            values.add("keep=0.5");
        }
        return Pipeline.of(m.name() + (values.isEmpty() ? "" : ":" + String.join(",", values)));
    }

    @Test
    void noMethodGivesTheDecoderMoreRowsThanNoReduction() {
        record Input(String name, LlavaModel model, boolean video) {
        }
        List<Input> inputs = List.of(new Input("llava-1.5 image", llava15, false),
                new Input("onevision video", oneVision, true), new Input("onevision image", oneVision, false));
        for (Input in : inputs) {
            Ask.Stats none = ask(in.model(), in.video(), null);
            assertThat(none.unreducedRows()).as(in.name()).isEqualTo(none.visualRows());
            int ran = 0;
            for (ReducerMethod m : Reducers.registry().methods()) {
                Pipeline p = atDefaults(m);
                try {
                    Ask.Stats s = ask(in.model(), in.video(), p);
                    assertThat(s.unreducedRows()).as("%s on %s", p, in.name()).isEqualTo(none.visualRows());
                    assertThat(s.visualRows()).as("%s on %s", p, in.name()).isLessThanOrEqualTo(none.visualRows());
                    ran++;
                } catch (BadInputException refused) {
                    // Refusing with the reason (a pooled grid larger than the frame's, too many rows) gives no rows.
                }
            }
            assertThat(ran).as(in.name()).isGreaterThan(Reducers.registry().methods().size() / 2);
        }
    }

    @Test
    void aKeepBudgetCountsDecoderRowsBeforeAndAfterThePooling() {
        // 2 frames of 7×7 tokens pool to 2×4×4 rows: a quarter of them is 8, plus the newline.
        Ask.Stats none = ask(oneVision, true, null);
        assertThat(none.visualRows()).isEqualTo(33);
        for (String spec : List.of("tome:keep=0.25", "kcenter:keep=0.25", "visionzip:keep=0.25,layer=1",
                "fastv:keep=0.25,layer=1")) {
            Ask.Stats s = ask(oneVision, true, Pipeline.of(spec));
            assertThat(s.visualRows()).as(spec).isEqualTo(8 + 1);
            assertThat(s.stages().get(0).tokensOut()).as(spec).isEqualTo(8);
        }
    }

    @Test
    void aPrunerWithoutABudgetActsOnThePooledRows() {
        // evs drops from the 32 pooled rows, not from the 98 tokens out of the tower, which were not pooled after it.
        Ask.Stats s = ask(oneVision, true, Pipeline.of("evs"));
        assertThat(s.stages()).singleElement().satisfies(r -> assertThat(r.tokensIn()).isEqualTo(32));
        assertThat(s.visualRows()).isLessThan(33);
    }

    @Test
    void aRowBudgetAboveTheModelsRowsIsRefused() {
        assertThatThrownBy(() -> ask(oneVision, true, Pipeline.of("visionzip:k=40,layer=1")))
                .isInstanceOf(BadInputException.class).hasMessageContaining("exceeds the 32");
    }

    @Test
    void aQuantizationRoundTripIsStillPooledByTheModel() {
        assertThat(ask(oneVision, true, Pipeline.of("fsq")).visualRows()).isEqualTo(33);
    }

    @Test
    void clsScoresOnASiglipTowerDefaultToReceivedOrAreRefusedWhenAskedFor() {
        assertThat(ask(oneVision, true, Pipeline.of("visionzip:k=8,layer=1")).visualRows()).isEqualTo(9);
        assertThatThrownBy(() -> ask(oneVision, true, Pipeline.of("visionzip:k=8,layer=1,score=cls")))
                .isInstanceOf(BadInputException.class).hasMessageContaining("no CLS token");
    }

    @Test
    void aStageOnEncoderTokensCannotFollowOneOnPooledRows() {
        assertThatThrownBy(() -> ask(oneVision, true, Pipeline.of("tome:keep=0.5 > visionzip:keep=0.5,layer=1")))
                .isInstanceOf(BadInputException.class).hasMessageContaining("acts on the encoder's tokens");
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
