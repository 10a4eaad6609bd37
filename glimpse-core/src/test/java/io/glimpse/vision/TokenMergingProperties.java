package io.glimpse.vision;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import java.util.Set;

import static io.glimpse.vision.VisionFixtures.golden;
import static org.assertj.core.api.Assertions.assertThat;

class TokenMergingProperties {

    @Property(tries = 300)
    void mergesExactlyRTokensFromSetAIntoSetB(@ForAll @IntRange(min = 1, max = 40) int t, @ForAll @IntRange(max = 30) int r,
                                              @ForAll boolean cls, @ForAll long seed) {
        Random rnd = new Random(seed);
        int c = 1 + rnd.nextInt(6);
        float[] metric = new float[t * c];
        for (int i = 0; i < metric.length; i++) {
            metric[i] = (float) rnd.nextGaussian();
        }
        TokenMerging.Plan plan = TokenMerging.plan(metric, t, c, r, cls);
        int merges = Math.min(r, (t - (cls ? 1 : 0)) / 2);
        assertThat(plan.count()).isEqualTo(t - merges);
        int[] members = new int[plan.count()];
        for (int i = 0; i < t; i++) {
            assertThat(plan.target()[i]).isBetween(0, plan.count() - 1);
            members[plan.target()[i]]++;
        }
        assertThat(Arrays.stream(members).min().orElse(1)).as("every output token has a member").isPositive();
        int[] bTargets = new int[t / 2];
        for (int b = 0; b < t / 2; b++) {
            bTargets[b] = plan.target()[2 * b + 1];
        }
        assertThat(Arrays.stream(bTargets).distinct().count()).as("B tokens stay distinct").isEqualTo(t / 2);
        if (cls) {
            assertThat(plan.target()[0]).isZero();
            assertThat(members[0]).isEqualTo(1);
        }
    }

    @Property(tries = 20)
    void anyMergeRateKeepsProvenanceWhole(@ForAll @IntRange(max = 9) int r, @ForAll boolean clip) throws IOException {
        String model = clip ? "clip" : "siglip";
        VisionTower tower = VisionTower.load(VisionFixtures.dir(model));
        EncodedImage enc = tower.toTokens(tower.forward(golden(model, "pixels.portrait"),
                EncodeOptions.defaults().withLayer(-1).withTome(r).withAttention(Set.of(-1), false)), 0);
        int patches = tower.config().patches();
        assertThat(Arrays.stream(enc.tokens().sizes()).sum()).isEqualTo(patches);
        assertThat(enc.tokens().keptPatches()).isEqualTo(patches);
        assertThat(enc.tokens().isFinite()).isTrue();
        double total = 0;
        for (float v : enc.attention().spelled().get("received@3")) {
            total += v;
        }
        // Each query's attention to the patches sums to at most 1, and the shares keep that sum.
        assertThat(total).isBetween(0.0, 1.0 + 1e-5);
    }
}
