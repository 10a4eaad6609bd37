package io.glimpse.reduce;

import io.glimpse.tokens.AttentionMaps;
import static org.assertj.core.api.Assertions.assertThat;

import io.glimpse.tokens.FrameInfo;
import io.glimpse.tokens.TokenSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HiPruneTest {
    private static TokenSet grid4x4() {
        float[] e = new float[16];
        for (int i = 0; i < 16; i++) {
            e[i] = i;
        }
        return TokenSet.fromGrid(e, 1, List.of(new FrameInfo(0, 4, 4, 56, 56, 0, -1)));
    }

    @Test
    void buffersAreGridNeighboursThatDoNotWrapAcrossRowEnds() {
        float[] object = new float[16];
        object[7] = 1f;                    // anchor at (1,3), the end of row 1
        float[] deep = new float[16];
        for (int p = 0; p < 16; p++) {
            deep[p] = p / 100f;
        }
        deep[12] = 0.9f;                   // best register at (3,0)
        deep[8] = 0f;                      // (2,0) = index 7+1: only a wrapping ±1 rule would keep it
        ReduceContext ctx = new ReduceContext(0, AttentionMaps.parse(Map.of("received@9", object, "received@23", deep)), null);

        // keep 5 of 16 with alpha 1: one anchor, its in-grid neighbours (0,3), (1,2), (2,3), one register.
        TokenSet out = new HiPrune(Budget.keep(5 / 16.0), 1.0, "received", 9, 23, 4, false).apply(grid4x4(), ctx);

        assertThat(out.embeddingsView()).containsExactly(3, 6, 7, 11, 12);
    }

    @Test
    void eightNeighbourhoodAddsDiagonals() {
        float[] object = new float[16];
        object[5] = 1f;                    // anchor at (1,1)
        float[] deep = new float[16];
        deep[15] = 1f;
        ReduceContext ctx = new ReduceContext(0, AttentionMaps.parse(Map.of("received@9", object, "received@23", deep)), null);

        TokenSet out = new HiPrune(Budget.keep(10 / 16.0), 1.0, "received", 9, 23, 8, false).apply(grid4x4(), ctx);

        assertThat(out.embeddingsView()).containsExactly(0, 1, 2, 4, 5, 6, 8, 9, 10, 15);
    }

    @Test
    void paperBudgetGivesFourAnchorsFor192Tokens() {
        HiPrune hiprune = (HiPrune) Reducers.create("hiprune");
        TokenSet llava = TokenSet.fromGrid(new float[576], 1, List.of(new FrameInfo(0, 24, 24, 336, 336, 0, -1)));
        assertThat(hiprune.frameBudgets(llava)).containsExactly(192);
        assertThat(hiprune.anchors(192)).isEqualTo(4);
    }
}
