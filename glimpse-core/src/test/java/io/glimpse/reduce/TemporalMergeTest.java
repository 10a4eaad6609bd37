package io.glimpse.reduce;

import io.glimpse.tokens.TokenSet;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class TemporalMergeTest {
    private static final ReduceContext CTX = ReduceContext.defaults();

    /**
     * Three frames of a 1×2 grid. Column 0: frame 1 is frame 0 nudged (cos 0.995), frame 2 turns away (cos 0.0995).
     * Column 1: frame 0→1 cos 0.8, frame 1→2 cos 0.96. Frame 0 column 1 vs frame 2 column 1: cos 0.6.
     */
    private static TokenSet threeFrames() {
        return Fixtures.grid(3, 1, 2,
                new float[] {1, 0}, new float[] {1, 0},
                new float[] {1, 0.1f}, new float[] {0.8f, 0.6f},
                new float[] {0, 1}, new float[] {0.6f, 0.8f});
    }

    @Test
    void defaultThresholdMergesEveryPairAboveItIntoChains() {
        TokenSet out = Reducers.create("tmerge").apply(threeFrames(), CTX);
        assertThat(out.origin()).containsExactly(0, 1, 0, 1, 2, 1);
        assertThat(out.sizes()).containsExactly(2, 3, 1);
        assertThat(out.tokenFrames()).containsExactly(0, 0, 2);
        assertThat(out.get(1, 0)).isCloseTo((1 + 0.8f + 0.6f) / 3, within(1e-6f));
        assertThat(out.get(1, 1)).isCloseTo((0 + 0.6f + 0.8f) / 3, within(1e-6f));
    }

    @Test
    void aHigherThresholdBreaksTheChainWhereTheCosineFallsBelowIt() {
        TokenSet out = Reducers.create("tmerge:threshold=0.9").apply(threeFrames(), CTX);
        assertThat(out.origin()).containsExactly(0, 1, 0, 2, 3, 2);
        assertThat(out.sizes()).containsExactly(2, 1, 2, 1);
    }

    @Test
    void framesWithDifferentGridsNeverMerge() {
        float[] same = {1, 0, 1, 0, 1, 0, 1, 0};
        TokenSet in = TokenSet.fromGrid(same, 2, Fixtures.frames(2, 1, 2, true));
        assertThat(Reducers.create("tmerge").apply(in, CTX).size()).isEqualTo(4);
    }

    @Test
    void onlyTheSamePositionInTheNextFrameCounts() {
        TokenSet swapped = Fixtures.grid(2, 1, 2,
                new float[] {1, 0}, new float[] {0, 1},
                new float[] {0, 1}, new float[] {1, 0});
        assertThat(Reducers.create("tmerge").apply(swapped, CTX).size()).isEqualTo(4);
    }
}
