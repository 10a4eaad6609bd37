package io.glimpse.lm;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SamplerTest {
    private static final float[] LOGITS = {(float) Math.log(0.5), (float) Math.log(0.3), (float) Math.log(0.2), 9f};

    @Test
    void greedyTakesTheLargestLogitWithinTheLimit() {
        assertThat(Sampler.greedy().next(LOGITS, 4)).isEqualTo(3);
        assertThat(Sampler.greedy().next(LOGITS, 3)).isEqualTo(0);
        assertThat(Sampler.greedy().next(new float[] {1, 2, 2}, 3)).isEqualTo(1);
    }

    @Test
    void samplingFollowsTheSoftmaxInsideTheNucleus() {
        // p = (0.5, 0.3, 0.2); top_p 0.75 keeps {0, 1} (mass 0.8), renormalised to 0.625 / 0.375.
        Sampler s = Sampler.sampling(1.0, 0.75, 42);
        int[] counts = new int[3];
        int draws = 20000;
        for (int i = 0; i < draws; i++) {
            counts[s.next(LOGITS, 3)]++;
        }
        assertThat(counts[2]).isZero();
        assertThat(counts[0] / (double) draws).isBetween(0.61, 0.64);
    }

    @Test
    void fullNucleusAtTemperatureTwoFlattensTheDistribution() {
        // p ∝ sqrt(0.5, 0.3, 0.2) = (0.4154, 0.3218, 0.2628) after normalising.
        Sampler s = Sampler.sampling(2.0, 1.0, 7);
        int[] counts = new int[3];
        int draws = 20000;
        for (int i = 0; i < draws; i++) {
            counts[s.next(LOGITS, 3)]++;
        }
        assertThat(counts[2] / (double) draws).isBetween(0.25, 0.28);
        assertThat(counts[0] / (double) draws).isBetween(0.405, 0.435);
    }

    @Test
    void aSeedFixesTheSequence() {
        Sampler a = Sampler.sampling(1.0, 0.9, 5);
        Sampler b = Sampler.sampling(1.0, 0.9, 5);
        for (int i = 0; i < 200; i++) {
            assertThat(a.next(LOGITS, 3)).isEqualTo(b.next(LOGITS, 3));
        }
    }

    @Test
    void tinyNucleusOrZeroTemperatureIsGreedy() {
        Sampler nucleus = Sampler.sampling(1.0, 1e-6, 3);
        Sampler zero = Sampler.sampling(0, 1.0, 3);
        for (int i = 0; i < 100; i++) {
            assertThat(nucleus.next(LOGITS, 3)).isZero();
            assertThat(zero.next(LOGITS, 3)).isZero();
        }
    }

    @Test
    void badSettingsAreRejected() {
        assertThatThrownBy(() -> Sampler.sampling(-1, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Sampler.sampling(1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Sampler.sampling(Double.NaN, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Sampler.greedy().next(new float[] {1, Float.NaN}, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Sampler.greedy().next(LOGITS, 5)).isInstanceOf(IllegalArgumentException.class);
    }
}
