package io.glimpse.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SceneSegmentationTest {
    private static final double NOISE = 0.01;

    @Test
    void hardCutsAreFoundExactly() {
        SyntheticVideo v = new SyntheticVideo(1, NOISE).hold(12).cut().hold(7).cut().hold(20).cut().hold(5);
        Scenes s = SceneSegmentation.adaptive().segment(v.frames);
        assertThat(s.cuts()).containsExactly(12, 19, 39);
        assertThat(s.cutTimes()).containsExactly(12.0, 19.0, 39.0);
        assertThat(s.sceneOf()[11]).isEqualTo(0);
        assertThat(s.sceneOf()[12]).isEqualTo(1);
        assertThat(s.sceneOf()[43]).isEqualTo(3);
    }

    @Test
    void aFadeGivesExactlyOneCutNearItsMiddle() {
        for (int blended = 1; blended <= 5; blended++) {
            SyntheticVideo v = new SyntheticVideo(blended, NOISE).hold(20).fade(blended).hold(20);
            for (SceneSegmentation seg : List.of(SceneSegmentation.adaptive(), SceneSegmentation.topK(1))) {
                Scenes s = seg.segment(v.frames);
                assertThat(s.cuts()).as("fade of %d frames", blended).hasSize(1);
                assertThat(Math.abs(s.cuts()[0] - v.truth.get(0))).as("fade of %d frames", blended)
                        .isLessThanOrEqualTo(1);
            }
        }
    }

    @Test
    void staticVideoHasNoCuts() {
        SyntheticVideo v = new SyntheticVideo(3, NOISE).hold(200);
        assertThat(SceneSegmentation.adaptive().segment(v.frames).cuts()).isEmpty();
    }

    @Test
    void topKTakesTheKMostDissimilarTransitions() {
        SyntheticVideo v = new SyntheticVideo(4, NOISE).hold(10).cut().hold(10).fade(3).hold(10).cut().hold(10);
        Scenes all = SceneSegmentation.topK(3).segment(v.frames);
        assertThat(all.cuts()).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(Math.abs(all.cuts()[i] - v.truth.get(i))).isLessThanOrEqualTo(1);
        }
        Scenes two = SceneSegmentation.topK(2).segment(v.frames);
        assertThat(two.cuts()).containsExactly(v.truth.get(0), v.truth.get(2));
    }

    @Test
    void minimumSceneLengthDropsTheWeakerOfTwoCloseCuts() {
        SyntheticVideo v = new SyntheticVideo(5, NOISE).hold(10).cut().hold(2).cut().hold(10);
        SceneSegmentation longScenes = new SceneSegmentation(SceneSegmentation.Mode.ADAPTIVE, 0, 5, 15, 0.01, 0, 3);
        assertThat(longScenes.segment(v.frames).cuts()).hasSize(1);
        SceneSegmentation anyLength = new SceneSegmentation(SceneSegmentation.Mode.ADAPTIVE, 0, 5, 15, 0.01, 0, 1);
        assertThat(anyLength.segment(v.frames).cuts()).containsExactly(10, 12);
    }

    @Test
    void f1OverGeneratedVideosIsAtLeast095() {
        Random rng = new Random(42);
        int truePositives = 0;
        int detected = 0;
        int actual = 0;
        for (int video = 0; video < 150; video++) {
            SyntheticVideo v = new SyntheticVideo(rng.nextLong(), NOISE).hold(5 + rng.nextInt(30));
            int scenes = 1 + rng.nextInt(8);
            for (int s = 0; s < scenes; s++) {
                if (rng.nextBoolean()) {
                    v.cut();
                } else {
                    v.fade(1 + rng.nextInt(5));
                }
                v.hold(5 + rng.nextInt(30));
            }
            int[] cuts = SceneSegmentation.adaptive().segment(v.frames).cuts();
            truePositives += matched(cuts, v.truth);
            detected += cuts.length;
            actual += v.truth.size();
        }
        double precision = (double) truePositives / detected;
        double recall = (double) truePositives / actual;
        assertThat(2 * precision * recall / (precision + recall)).isGreaterThanOrEqualTo(0.95);
    }

    /** Cuts matched one-to-one to a true boundary at most one frame away. */
    private static int matched(int[] cuts, List<Integer> truth) {
        List<Integer> open = new ArrayList<>(truth);
        int hits = 0;
        for (int c : cuts) {
            for (int i = 0; i < open.size(); i++) {
                if (Math.abs(open.get(i) - c) <= 1) {
                    open.remove(i);
                    hits++;
                    break;
                }
            }
        }
        return hits;
    }
}
