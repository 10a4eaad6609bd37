package io.glimpse.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glimpse.io.BadInputException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlannerTest {
    private static List<Candidate> threeScenes() {
        return new SyntheticVideo(7, 0.01).hold(30).cut().hold(30).cut().hold(30).frames;
    }

    @Test
    void uniformPicksEvenlySpacedFramesAtNativeCost() {
        List<Candidate> frames = new SyntheticVideo(1, 0.01).hold(100).frames;
        Plan p = Planner.plan(frames, new PlanRequest(576 * 4 + 100, "llava-1.5", PlanMethod.UNIFORM, 1, null));
        assertThat(p.frames()).extracting(PlannedFrame::source).containsExactly(12, 37, 62, 87);
        assertThat(p.totalCost()).isEqualTo(2304);
        assertThat(p.frames()).allSatisfy(f -> assertThat(f.clip()).isEqualTo(-1));
    }

    @Test
    void samplingKeepsTheFirstCandidateOfEverySlot() {
        List<Candidate> frames = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            frames.add(new Candidate(i / 30.0, 640, 360, new float[] {1, i % 2}));
        }
        Plan p = Planner.plan(frames, new PlanRequest(100_000, "gemini", PlanMethod.UNIFORM, 1, null));
        assertThat(p.frames()).extracting(PlannedFrame::source)
                .containsExactly(0, 30, 60, 90, 120, 150, 180, 210, 240, 270);
        assertThat(p.fps()).isEqualTo(1.0);
    }

    @Test
    void scenesGivesEachSceneItsMostTypicalFrameFirst() {
        List<Candidate> frames = threeScenes();
        Plan p = Planner.plan(frames, new PlanRequest(576 * 3, "llava-1.5", PlanMethod.SCENES, 1, null));
        assertThat(p.cuts()).containsExactly(30.0, 60.0);
        assertThat(p.frames()).extracting(PlannedFrame::scene).containsExactly(0, 1, 2);
        for (PlannedFrame f : p.frames()) {
            int start = 30 * f.scene();
            assertThat(f.source()).isEqualTo(Descriptors.mostTypical(frames, start, start + 30));
        }
    }

    @Test
    void scenesSpreadsExtraFramesByDuration() {
        List<Candidate> frames = new SyntheticVideo(8, 0.01).hold(60).cut().hold(20).frames;
        Plan p = Planner.plan(frames, new PlanRequest(576 * 4, "llava-1.5", PlanMethod.SCENES, 1, null));
        assertThat(p.frames()).extracting(PlannedFrame::scene).containsExactly(0, 0, 0, 1);
    }

    @Test
    void clipsAreRunsOfConsecutiveFramesOnePerSceneFirst() {
        List<Candidate> frames = new SyntheticVideo(9, 0.01).hold(40).cut().hold(40).frames;
        // 640x360 for gpt-4o: 425 tokens natively, 255 at 453x255; utility favours 8 frames at 255 over 4 at 425.
        Plan p = Planner.plan(frames, new PlanRequest(255 * 8, "gpt-4o", PlanMethod.CLIPS, 1, null));
        assertThat(p.frames()).hasSize(8);
        assertThat(p.frames()).allSatisfy(f -> assertThat(f.cost()).isEqualTo(255));
        for (int clip = 0; clip < 2; clip++) {
            int c = clip;
            List<PlannedFrame> members = p.frames().stream().filter(f -> f.clip() == c).toList();
            assertThat(members).hasSize(4);
            assertThat(members).extracting(PlannedFrame::scene).containsOnly(clip);
            assertThat(members.get(3).source() - members.get(0).source()).isEqualTo(3);
        }
    }

    @Test
    void clipsFollowQueryRelevanceWhenGiven() {
        List<Candidate> frames = new SyntheticVideo(10, 0.01).hold(100).frames;
        double[] relevance = new double[100];
        relevance[71] = 1.0;
        Plan p = Planner.plan(frames,
                new PlanRequest(196 * 4, "llava-onevision", PlanMethod.CLIPS, 1, relevance));
        assertThat(p.frames()).extracting(PlannedFrame::source).containsExactly(68, 69, 70, 71);
    }

    @Test
    void quotaGivesTheRelevantFrameItsFullSizeAndSpendsTheRestInRelevanceOrder() {
        List<Candidate> frames = new ArrayList<>();
        double[] relevance = new double[8];
        for (int i = 0; i < 8; i++) {
            frames.add(new Candidate(i, 1920, 1080, new float[] {1, i}));
            relevance[i] = i == 5 ? 1.0 : 0.1;
        }
        Plan p = Planner.plan(frames, new PlanRequest(2000, "gpt-4o", PlanMethod.QUOTA, 1, relevance));
        // Frame 5's share (2000/1.07) caps at its native 1105; the others' 127-token shares buy no size, so the
        // 895 left buy the cheapest size (255) for three of them, equal in relevance, so taken in bisection order
        // of time: 4, 2, 6.
        assertThat(p.frames()).extracting(PlannedFrame::source).containsExactly(2, 4, 5, 6);
        assertThat(p.frames()).extracting(PlannedFrame::cost).containsExactly(255, 255, 1105, 255);
        assertThat(p.method()).isEqualTo("quota");
    }

    @Test
    void quotaWithoutAQuerySplitsTheBudgetEvenly() {
        List<Candidate> frames = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            frames.add(new Candidate(i, 1920, 1080, new float[] {1, i}));
        }
        Plan p = Planner.plan(frames, new PlanRequest(4 * 425, "gpt-4o", PlanMethod.QUOTA, 1, null));
        assertThat(p.frames()).extracting(PlannedFrame::cost).containsExactly(425, 425, 425, 425);
    }

    @Test
    void dedupKeepsOneFramePerStillShot() {
        List<Candidate> frames = new SyntheticVideo(3, 0.01).hold(30).cut().hold(30).frames;
        PlanRequest all = new PlanRequest(100_000, "llava-onevision", PlanMethod.UNIFORM, 1, null);
        assertThat(Planner.plan(frames, all).frames()).hasSize(60);
        // The synthetic scenes share a component (cosine ≈ 0.5, rescaled ≈ 0.75), so 0.9 separates them.
        Plan deduped = Planner.plan(frames, all.withDedup(0.9));
        assertThat(deduped.frames()).extracting(PlannedFrame::source).containsExactly(0, 30);
    }

    @Test
    void uniformDropsResolutionOnlyWhenNotOneFrameFitsNatively() {
        List<Candidate> frames = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            frames.add(new Candidate(i, 1920, 1080, new float[] {1, 0}));
        }
        Plan p = Planner.plan(frames, new PlanRequest(500, "gpt-4o", PlanMethod.UNIFORM, 1, null));
        assertThat(p.frames()).singleElement().satisfies(f -> {
            assertThat(f.cost()).isEqualTo(425);
            assertThat(f.source()).isEqualTo(10);
        });
        Plan wide = Planner.plan(frames, new PlanRequest(2300, "gpt-4o", PlanMethod.UNIFORM, 1, null));
        assertThat(wide.frames()).extracting(PlannedFrame::cost).containsExactly(1105, 1105);
    }

    @Test
    void budgetBelowTheCheapestFrameIsAClearError() {
        assertThatThrownBy(() -> Planner.plan(threeScenes(), PlanRequest.of(100, "gpt-4o")))
                .isInstanceOf(io.glimpse.io.BadInputException.class)
                .hasMessage("budget of 100 tokens is below the cheapest frame for gpt-4o: 255 tokens at 453x255");
    }

    @Test
    void badRequestsAreRejected() {
        assertThatThrownBy(() -> PlanMethod.parse("keyframes")).hasMessageContaining("uniform, scenes, clips");
        assertThatThrownBy(() -> Planner.plan(threeScenes(), PlanRequest.of(1000, "nope")))
                .hasMessageContaining("valid targets");
        assertThatThrownBy(() -> PlanRequest.of(0, "gpt-4o")).hasMessageContaining("budget");
        assertThatThrownBy(() -> Planner.plan(List.of(), PlanRequest.of(1000, "gpt-4o")))
                .hasMessageContaining("no candidate");
        List<Candidate> backwards = List.of(new Candidate(1, 64, 64, new float[] {1}),
                new Candidate(0, 64, 64, new float[] {1}));
        assertThatThrownBy(() -> Planner.plan(backwards, PlanRequest.of(1000, "gemini")))
                .hasMessageContaining("timestamps must increase");
        assertThatThrownBy(() -> new Candidate(0, 64, 64, new float[] {Float.NaN}))
                .hasMessageContaining("non-finite");
    }

    @Test
    void planJsonRoundTrips() {
        Plan p = Planner.plan(threeScenes(), PlanRequest.of(3000, "gpt-4o"));
        String json = p.toJson();
        assertThat(json).contains("\"method\" : \"clips\"", "\"target\" : \"gpt-4o\"", "\"cuts\"");
        assertThat(Plan.fromJson(json)).isEqualTo(p);
    }

    @Test
    void planJsonOverBudgetIsBadInput() {
        String json = "{\"method\":\"uniform\",\"target\":\"gemini\",\"budget\":100,\"totalCost\":258,\"fps\":1,"
                + "\"frames\":[{\"source\":0,\"timestamp\":0,\"scene\":0,\"clip\":-1,\"width\":64,\"height\":64,"
                + "\"cost\":258}],\"cuts\":[]}";
        assertThatThrownBy(() -> Plan.fromJson(json)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("exceeds its budget");
    }
}
