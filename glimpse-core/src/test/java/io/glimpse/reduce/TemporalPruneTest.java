package io.glimpse.reduce;

import io.glimpse.tokens.TokenSet;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TemporalPruneTest {
    private static final ReduceContext CTX = ReduceContext.defaults();

    /**
     * Three frames of a 1×3 grid. Frame 1 changes column 2 completely; frame 2 changes column 0 a little.
     * Frame 0 is identical to nothing before it and must be kept whole.
     */
    private static TokenSet video() {
        float[] a = {1, 0, 0};
        float[] b = {0, 1, 0};
        float[] c = {0, 0, 1};
        return Fixtures.grid(3, 1, 3,
                a, b, c,
                a, b, new float[] {0, 0, -1},
                new float[] {1, 0.3f, 0}, b, new float[] {0, 0, -1});
    }

    @Test
    void keepsTheFirstFrameThenTheMostChangedTokens() {
        TokenSet half = Reducers.create("evs:rate=0.5").apply(video(), CTX);
        assertThat(half.origin()).containsExactly(0, 1, 2, -1, -1, 3, -1, -1, -1);
        TokenSet third = Reducers.create("evs:rate=0.4").apply(video(), CTX);
        assertThat(third.tokenFrames()).containsExactly(0, 0, 0, 1, 2);
        assertThat(third.cols()).containsExactly(0, 1, 2, 2, 0);
    }

    @Test
    void aHighRateStillKeepsTheWholeFirstFrame() {
        TokenSet out = Reducers.create("evs:rate=0.95").apply(video(), CTX);
        assertThat(out.tokenFrames()).containsExactly(0, 0, 0);
    }

    @Test
    void rateZeroKeepsEverything() {
        assertThat(Reducers.create("evs:rate=0").apply(video(), CTX)).isEqualTo(video());
    }
}
