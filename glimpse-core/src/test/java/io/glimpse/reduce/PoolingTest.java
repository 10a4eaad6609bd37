package io.glimpse.reduce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.glimpse.tokens.FrameInfo;
import io.glimpse.tokens.TokenSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class PoolingTest {
    private static TokenSet ramp(int h, int w) {
        float[] e = new float[h * w];
        for (int i = 0; i < e.length; i++) {
            e[i] = i;
        }
        return TokenSet.fromGrid(e, 1, List.of(new FrameInfo(0, h, w, w * 14, h * 14, 0, -1)));
    }

    @Test
    void matryoshkaAveragesNonOverlappingWindows() {
        TokenSet out = new MatryoshkaPool(2).apply(ramp(4, 4), ReduceContext.defaults());

        assertThat(out.embeddingsView()).containsExactly(2.5f, 4.5f, 10.5f, 12.5f);
        assertThat(out.sizes()).containsExactly(4, 4, 4, 4);
        assertThat(out.rows()).containsExactly(0, 0, 2, 2);
        assertThat(out.cols()).containsExactly(0, 2, 0, 2);
    }

    @Test
    void matryoshkaDropsRowsAndColumnsTheKernelLeavesOver() {
        TokenSet out = new MatryoshkaPool(2).apply(ramp(3, 5), ReduceContext.defaults());

        // Windows rows [0,2), columns [0,2) and [2,4): (0+1+5+6)/4 and (2+3+7+8)/4; row 2 and column 4 dropped.
        assertThat(out.embeddingsView()).containsExactly(3f, 5f);
        assertThat(out.origin()).containsExactly(0, 0, 1, 1, -1, 0, 0, 1, 1, -1, -1, -1, -1, -1, -1);
    }

    @Test
    void adaptivePoolUsesTorchOverlappingWindows() {
        TokenSet out = new AdaptivePool(2, 2).apply(ramp(3, 3), ReduceContext.defaults());

        // Rows and columns [0,2) and [1,3): means of {0,1,3,4}, {1,2,4,5}, {3,4,6,7}, {4,5,7,8}.
        assertThat(out.embeddingsView()).containsExactly(2f, 3f, 5f, 6f);
        assertThat(out.origin()).containsExactly(0, 0, 1, 0, 0, 1, 2, 2, 3);
        assertThat(out.sizes()).containsExactly(4, 2, 2, 1);
    }

    @Test
    void adaptivePoolHandlesNonSquareTargets() {
        TokenSet out = new AdaptivePool(2, 1).apply(ramp(5, 3), ReduceContext.defaults());

        // Rows [0,3) and [2,5), all three columns: mean(0..8) = 4 and mean(6..14) = 10.
        assertThat(out.embeddingsView()).containsExactly(4f, 10f);
        assertThat(out.sizes()).containsExactly(9, 6);
    }

    @Test
    void poolingAveragesPatchesOfAlreadyMergedTokensByFootprint() {
        TokenSet in = ramp(2, 2);
        // Patches 0 and 1 were merged before (mean 0.5, size 2); pooling the 2x2 window weighs it twice.
        TokenSet merged = in.regroup(new int[] {0, 0, 1, 2}, 3, null);
        TokenSet out = new AdaptivePool(1, 1).apply(merged, ReduceContext.defaults());

        assertThat(out.size()).isEqualTo(1);
        assertThat(out.get(0, 0)).isCloseTo(1.5f, within(1e-6f));
        assertThat(out.tokenSize(0)).isEqualTo(4);
    }
}
