package io.glimpse.reduce;

import io.glimpse.tokens.TokenSet;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class BipartiteMergeTest {
    private static final ReduceContext CTX = ReduceContext.defaults();

    /**
     * Sources are columns 0,2,4 and destinations 1,3,5. Column 0 is nearly column 3 (cos ≈ 0.995), column 2 is close
     * to column 5 (cos ≈ 0.94), column 4 is far from every destination.
     */
    private static TokenSet sixInARow() {
        return Fixtures.grid(1, 1, 6,
                new float[] {1, 0, 0},
                new float[] {0, 0, 1},
                new float[] {0, 1, 0},
                new float[] {1, 0.1f, 0},
                new float[] {-1, -1, -1},
                new float[] {0, 1, 0.35f});
    }

    /** CLS=(0,0,0,1), p0=(1,0,0,0), p1=(1,.05,0,0), p2=(1,.1,0,0), p3=(0,0,1,0) in a row of five. */
    private static TokenSet clsAndFour() {
        return Fixtures.grid(1, 1, 5,
                new float[] {0, 0, 0, 1},
                new float[] {1, 0, 0, 0},
                new float[] {1, 0.05f, 0, 0},
                new float[] {1, 0.1f, 0, 0},
                new float[] {0, 0, 1, 0});
    }

    @Test
    void aProtectedClassTokenKeepsSourceSlotZeroAsInToMesCode() {
        // ToMe (class_token=True): A = CLS, p1, p3 and B = p0, p2; p1 joins p2 (cos 0.99877 beats 0.99875) and p3,
        // orthogonal to both, joins the first of them: groups {p0,p3} {p1,p2}, kept at p0 and p2.
        TokenSet out = Reducers.create("tome:r=2,protect=1").apply(clsAndFour(), CTX);
        assertThat(out.cols()).containsExactly(0, 1, 3);
        assertThat(out.origin()).containsExactly(0, 1, 2, 2, 1);
        // Aside, the split starts at p0: A = p0, p2 and B = p1, p3; both sources join p1: {p0,p1,p2} {p3}.
        TokenSet aside = Reducers.create("tome:r=2,protect=1,alternation=aside").apply(clsAndFour(), CTX);
        assertThat(aside.cols()).containsExactly(0, 2, 4);
        assertThat(aside.origin()).containsExactly(0, 1, 1, 1, 2);
    }

    @Test
    void theReferenceAlternationProtectsOneTokenAtMost() {
        assertThatThrownBy(() -> Reducers.create("tome:keep=0.5,protect=2"))
                .hasMessageContaining("protect=2 needs alternation=aside");
    }

    @Test
    void oneMergeJoinsTheMostSimilarPairAndKeepsSpatialOrder() {
        TokenSet out = new BipartiteMerge(Budget.remove(1), 0, true).apply(sixInARow(), CTX);
        assertThat(out.size()).isEqualTo(5);
        assertThat(out.cols()).containsExactly(1, 2, 3, 4, 5);
        assertThat(out.sizes()).containsExactly(1, 1, 2, 1, 1);
        assertThat(out.origin()).containsExactly(2, 0, 1, 2, 3, 4);
        assertThat(out.vector(2)).containsExactly(1f, 0.05f, 0f);
    }

    @Test
    void twoMergesTakeTheTwoBestPairsNotTheFarSource() {
        TokenSet out = new BipartiteMerge(Budget.remove(2), 0, true).apply(sixInARow(), CTX);
        assertThat(out.cols()).containsExactly(1, 3, 4, 5);
        assertThat(out.sizes()).containsExactly(1, 2, 1, 2);
        assertThat(out.origin()).containsExactly(1, 0, 3, 1, 2, 3);
    }

    @Test
    void protectedLeadingTokensNeverMergeEvenWhenTheyMatchBest() {
        TokenSet out = Reducers.create("tome:r=1,protect=1,alternation=aside").apply(sixInARow(), CTX);
        assertThat(out.origin()).containsExactly(0, 1, 2, 3, 4, 2);
        assertThat(out.vector(0)).containsExactly(1, 0, 0);
        // In ToMe's alternation column 0 keeps its source slot without merging, so column 2 joins column 5.
        TokenSet reference = Reducers.create("tome:r=1,protect=1").apply(sixInARow(), CTX);
        assertThat(reference.origin()).containsExactly(0, 1, 4, 2, 3, 4);
        assertThat(reference.vector(0)).containsExactly(1, 0, 0);
        assertThatThrownBy(() -> Reducers.create("tome:k=2,protect=3,alternation=aside").apply(sixInARow(), CTX))
                .hasMessage("tome: budget of 2 tokens is below the 3 protected ones");
    }

    @Test
    void mergesAreWeightedByHowManyPatchesEachTokenStandsFor() {
        TokenSet grid = Fixtures.grid(1, 1, 4,
                new float[] {1, 0}, new float[] {0.8f, 0.6f}, new float[] {0.8f, 0.6f}, new float[] {0.8f, 0.6f});
        TokenSet two = grid.regroup(new int[] {0, 1, 1, 1}, 2, null);
        TokenSet out = new BipartiteMerge(Budget.count(1), 0, true).apply(two, CTX);
        assertThat(out.sizes()).containsExactly(4);
        assertThat(out.get(0, 0)).isCloseTo(0.85f, within(1e-6f));
        assertThat(out.get(0, 1)).isCloseTo(0.45f, within(1e-6f));
        assertThat(out.col(0)).as("the destination's position survives").isEqualTo(1);
    }

    @Test
    void budgetsBelowHalfTakeSeveralRoundsAndKeepEveryPatch() {
        float[][] rows = new float[8][];
        for (int i = 0; i < 8; i++) {
            rows[i] = new float[] {(float) Math.cos(i * 0.4), (float) Math.sin(i * 0.4)};
        }
        TokenSet out = Reducers.create("tome:k=2").apply(Fixtures.grid(1, 2, 4, rows), CTX);
        assertThat(out.size()).isEqualTo(2);
        assertThat(out.keptPatches()).isEqualTo(8);
    }

    @Test
    void rThatWouldRemoveEverythingIsRejected() {
        assertThatThrownBy(() -> Reducers.create("tome:r=6").apply(sixInARow(), CTX))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("r=6");
    }
}
