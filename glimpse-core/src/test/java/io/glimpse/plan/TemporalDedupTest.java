package io.glimpse.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TemporalDedupTest {
    private static Candidate frame(double t, float... v) {
        return new Candidate(t, 64, 64, v);
    }

    @Test
    void keepsTheFirstFrameAndDropsExactRepeats() {
        List<Candidate> frames = List.of(frame(0, 1, 0), frame(1, 1, 0), frame(2, 1, 0), frame(3, 0, 1),
                frame(4, 0, 1), frame(5, 1, 0));
        assertThat(new TemporalDedup().keep(frames)).containsExactly(0, 3, 5);
    }

    @Test
    void thresholdIsOnRescaledCosine() {
        // cos = 0.6 → s = 0.8 > 0.75 merges; cos = 0.4 → s = 0.7 keeps.
        List<Candidate> close = List.of(frame(0, 1, 0), frame(1, 0.6f, 0.8f));
        List<Candidate> far = List.of(frame(0, 1, 0), frame(1, 0.4f, (float) Math.sqrt(0.84)));
        assertThat(new TemporalDedup().keep(close)).containsExactly(0);
        assertThat(new TemporalDedup().keep(far)).containsExactly(0, 1);
        assertThat(new TemporalDedup(0.9).keep(close)).containsExactly(0, 1);
    }

    @Test
    void comparesWithTheLastKeptFrameSoDriftIsNotLost() {
        // each step turns 30° (cos 0.866, s 0.933): step by step all would merge, against the kept frame not.
        Candidate[] f = new Candidate[5];
        for (int i = 0; i < 5; i++) {
            double a = Math.toRadians(30 * i);
            f[i] = frame(i, (float) Math.cos(a), (float) Math.sin(a));
        }
        assertThat(new TemporalDedup(0.9).keep(List.of(f))).containsExactly(0, 2, 4);
    }

    @Test
    void rejectsThresholdOutsideUnitInterval() {
        assertThatThrownBy(() -> new TemporalDedup(1.5)).isInstanceOf(io.glimpse.io.BadInputException.class);
    }
}
