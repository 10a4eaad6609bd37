package io.glimpse.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class PlanMethodProperties {
    @Property(tries = 200)
    void quotaRespectsBudgetCapsAndRelevanceOrder(
            @ForAll @Size(min = 1, max = 50) List<@IntRange(min = 0, max = 1000) Integer> permille,
            @ForAll @IntRange(min = 1, max = 20_000) int budget,
            @ForAll @IntRange(min = 1, max = 800) int nativeTokens) {
        double[] p = permille.stream().mapToDouble(x -> x / 1000.0).toArray();
        int[] natives = new int[p.length];
        Arrays.fill(natives, nativeTokens);
        int[] n = new QuotaAllocation().allocate(p, natives, budget);
        long sum = 0;
        for (int t = 0; t < n.length; t++) {
            assertThat(n[t]).isBetween(0, nativeTokens);
            sum += n[t];
            for (int u = 0; u < n.length; u++) {
                if (p[t] > p[u]) {
                    assertThat(n[t]).isGreaterThanOrEqualTo(n[u]);
                }
            }
        }
        assertThat(sum).isLessThanOrEqualTo(budget);
        if ((long) nativeTokens * p.length <= budget && Arrays.stream(p).allMatch(x -> x > 0)) {
            assertThat(n).containsOnly(nativeTokens);
        }
    }

    @Property(tries = 200)
    void scenesAreNeverShorterThanTheMinimum(
            @ForAll long seed,
            @ForAll @IntRange(min = 1, max = 300) int frames,
            @ForAll @IntRange(min = 1, max = 8) int minScene,
            @ForAll boolean topK) {
        SyntheticVideo v = new SyntheticVideo(seed, 0.05).hold(1);
        Random rng = new Random(seed);
        while (v.frames.size() < frames) {
            if (rng.nextInt(4) == 0) {
                v.cut();
            }
            v.hold(1);
        }
        SceneSegmentation seg = new SceneSegmentation(topK ? SceneSegmentation.Mode.TOP_K
                : SceneSegmentation.Mode.ADAPTIVE, 24, 5, 15, 0.01, 2, minScene);
        Scenes s = seg.segment(v.frames);
        if (topK) {
            assertThat(s.cuts().length).isLessThanOrEqualTo(24);
        }
        for (int k = 0; k < s.count(); k++) {
            assertThat(s.end(k) - s.start(k)).isGreaterThanOrEqualTo(Math.min(minScene, v.frames.size()));
            for (int i = s.start(k); i < s.end(k); i++) {
                assertThat(s.sceneOf()[i]).isEqualTo(k);
            }
        }
    }

    @Property(tries = 100)
    void clipsAreShortRunsOfConsecutiveFramesInOneScene(
            @ForAll long seed,
            @ForAll @IntRange(min = 1, max = 8) int clipLength,
            @ForAll @IntRange(min = 196, max = 20_000) int budget) {
        SyntheticVideo v = new SyntheticVideo(seed, 0.01).hold(17).cut().hold(40).fade(3).hold(9);
        Scenes scenes = SceneSegmentation.adaptive().segment(v.frames);
        List<PlannedFrame> picked = new KeyClipSelect(clipLength, 0.5, 224)
                .select(v.frames, scenes, null, CostModels.forName("llava-onevision"), budget);
        assertThat(picked).isNotEmpty();
        assertThat(picked.stream().mapToInt(PlannedFrame::cost).sum()).isLessThanOrEqualTo(budget);
        int clips = picked.stream().mapToInt(PlannedFrame::clip).max().orElseThrow() + 1;
        for (int c = 0; c < clips; c++) {
            int clip = c;
            List<PlannedFrame> members = picked.stream().filter(f -> f.clip() == clip).toList();
            assertThat(members).isNotEmpty().hasSizeLessThanOrEqualTo(clipLength);
            assertThat(members).extracting(PlannedFrame::scene).containsOnly(members.get(0).scene());
            assertThat(members.get(members.size() - 1).source() - members.get(0).source())
                    .isLessThan(clipLength);
        }
    }
}
