package io.glimpse.llava;

import io.glimpse.lm.PositionPolicy;

import io.glimpse.tokens.FrameInfo;
import io.glimpse.tokens.TokenSet;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class VisualPositionsTest {
    /** Two frames of 2×3 patches; tokens kept: frame 0 (0,1) and (1,2), frame 1 (0,0) and (1,1). */
    private static TokenSet pruned() {
        FrameInfo f = new FrameInfo(0, 2, 3, 6, 4, 0, 0);
        TokenSet all = TokenSet.fromGrid(new float[12 * 2], 2, List.of(f, f));
        return all.selectInOrder(new int[] {1, 5, 6, 10});
    }

    @Test
    void keepOriginalPlacesTokensWhereTheirPatchesWere() {
        TokenSet t = pruned();
        assertThat(VisualPositions.of(PositionPolicy.KEEP_ORIGINAL, t, 4)).containsExactly(5, 9, 10, 14);
        assertThat(VisualPositions.span(PositionPolicy.KEEP_ORIGINAL, t)).isEqualTo(12);
    }

    @Test
    void recompactCloseRanks() {
        TokenSet t = pruned();
        assertThat(VisualPositions.of(PositionPolicy.RECOMPACT, t, 4)).containsExactly(4, 5, 6, 7);
        assertThat(VisualPositions.span(PositionPolicy.RECOMPACT, t)).isEqualTo(4);
    }

    @Test
    void inLlmPruningNumbersKeptRows() {
        int[] positions = {10, 11, 12, 13, 14};
        assertThat(PositionPolicy.KEEP_ORIGINAL.apply(positions, new int[] {0, 2, 4})).containsExactly(10, 12, 14);
        assertThat(PositionPolicy.RECOMPACT.apply(positions, new int[] {0, 2, 4})).containsExactly(10, 11, 12);
    }
}
