package io.glimpse.tokens;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class FidelityTest {
    /** Four patches on a 2×2 grid: e0=(1,0), e1=(1,0), e2=(0,1), e3=(1,1)/√2·√2. */
    private static TokenSet grid() {
        return TokenSet.fromGrid(new float[]{1, 0, 1, 0, 0, 1, 1, 1}, 2, List.of(new FrameInfo(0, 2, 2, 28, 28, 0, -1)));
    }

    @Test
    void untouchedSetIsPerfect() {
        TokenSet t = grid();
        Fidelity f = Fidelity.of(t, t);
        assertThat(f.meanCosine()).isCloseTo(1, within(1e-12));
        assertThat(f.worstCosine()).isCloseTo(1, within(1e-12));
        assertThat(f.coverageRadius()).isCloseTo(0, within(1e-12));
        assertThat(f.dropped()).isZero();
        assertThat(f.droppedMeanCosine()).isEqualTo(1);
    }

    @Test
    void droppedPatchesAreMeasuredAgainstTheirNearestKeptTokenWhileKeptOnesStayPerfect() {
        TokenSet t = grid();
        // Keep only e2=(0,1): e0 and e1 are orthogonal to it, (1,1) is 45° away.
        TokenSet pruned = t.regroup(new int[]{-1, -1, 0, -1}, 1, null);
        Fidelity f = Fidelity.of(t, pruned);
        assertThat(f.meanCosine()).isCloseTo(1, within(1e-12));
        assertThat(f.dropped()).isEqualTo(3);
        assertThat(f.droppedMeanCosine()).isCloseTo(Math.cos(Math.PI / 4) / 3, within(1e-9));
        assertThat(f.droppedWorstCosine()).isCloseTo(0, within(1e-9));
    }

    @Test
    void mergingAndDroppingAreScoredThroughOrigin() {
        TokenSet t = grid();
        TokenSet merged = t.regroup(new int[]{0, 0, 1, -1}, 2, null);
        Fidelity f = Fidelity.of(t, merged);
        double c = Math.cos(Math.PI / 4);
        assertThat(f.tokens()).isEqualTo(2);
        assertThat(f.dropped()).isEqualTo(1);
        assertThat(f.meanCosine()).isCloseTo(1.0, within(1e-9));
        assertThat(f.coverageRadius()).as("dropped (1,1) is 45° from the nearest kept token").isCloseTo(1 - c, within(1e-9));
        assertThat(f.droppedMeanCosine()).isCloseTo(c, within(1e-9));
        assertThat(f.droppedWorstCosine()).isCloseTo(c, within(1e-9));

        TokenSet all = t.regroup(new int[]{0, 0, 0, 0}, 1, null);
        Fidelity g = Fidelity.of(t, all);
        double[] mean = {0.75, 0.5};
        double mn = Math.hypot(mean[0], mean[1]);
        double cosX = mean[0] / mn;
        double cosY = mean[1] / mn;
        double cosD = (mean[0] + mean[1]) / (mn * Math.sqrt(2));
        assertThat(g.meanCosine()).isCloseTo((2 * cosX + cosY + cosD) / 4, within(1e-6));
        assertThat(g.worstCosine()).isCloseTo(cosY, within(1e-6));
    }
}
