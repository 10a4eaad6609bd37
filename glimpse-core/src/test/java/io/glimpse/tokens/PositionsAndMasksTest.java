package io.glimpse.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PositionsAndMasksTest {
    /** Frames of the given grids, embedding dimension 2, embedding = (patch index, 0). */
    private static TokenSet grid(FrameInfo... frames) {
        int total = 0;
        for (FrameInfo f : frames) {
            total += f.patches();
        }
        float[] e = new float[total * 2];
        for (int i = 0; i < total; i++) {
            e[2 * i] = i;
        }
        return TokenSet.fromGrid(e, 2, List.of(frames));
    }

    private static FrameInfo frame(int h, int w) {
        return new FrameInfo(0, h, w, w * 14, h * 14, 0, -1);
    }

    @Test
    void sequentialPositionsCountOnAfterText() {
        TokenSet t = grid(frame(2, 2), frame(2, 2)).selectInOrder(new int[] {0, 3, 5, 6});
        int[][] ids = new Sequential1D().sequence(3, t, 2);
        assertThat(ids).hasDimensions(1, 9);
        assertThat(ids[0]).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(new Sequential1D().visual(t, 10)[0]).containsExactly(10, 11, 12, 13);
    }

    @Test
    void mropeMatchesQwen2VlForOneImage() {
        // get_rope_index for 2 text tokens, one 2×3 image, 2 text tokens:
        // text 0,1; image t = 2, h = 2,2,2,3,3,3, w = 2,3,4,2,3,4; text after from max(4)+1 = 5.
        int[][] ids = new MRope3D().sequence(2, grid(frame(2, 3)), 2);
        assertThat(ids[0]).containsExactly(0, 1, 2, 2, 2, 2, 2, 2, 5, 6);
        assertThat(ids[1]).containsExactly(0, 1, 2, 2, 2, 3, 3, 3, 5, 6);
        assertThat(ids[2]).containsExactly(0, 1, 2, 3, 4, 2, 3, 4, 5, 6);
    }

    @Test
    void mropeKeepsAnchorsAndFrameGapsAfterReduction() {
        TokenSet full = grid(frame(2, 2), frame(2, 2), frame(2, 2));
        // Drop frame 1 entirely; in frame 2 merge all four patches into one anchored at (1,0).
        int[] target = {0, 1, 2, 3, -1, -1, -1, -1, 4, 4, 4, 4};
        TokenSet reduced = full.regroup(target, 5, new int[] {0, 1, 2, 3, 10});
        int[][] ids = new MRope3D().visual(reduced, 1);
        assertThat(ids[0]).containsExactly(1, 1, 1, 1, 3);
        assertThat(ids[1]).containsExactly(1, 1, 2, 2, 2);
        assertThat(ids[2]).containsExactly(1, 2, 1, 2, 1);
        // Text after continues from max over all axes (3) + 1.
        assertThat(new MRope3D().sequence(1, reduced, 1)[1][6]).isEqualTo(4);
    }

    @Test
    void emptyVisualBlockLeavesTextContiguous() {
        TokenSet none = grid(frame(1, 2)).select(new int[0], null);
        assertThat(new MRope3D().sequence(2, none, 2)[2]).containsExactly(0, 1, 2, 3);
    }

    @Test
    void causalMaskIsLowerTriangular() {
        AttentionMask m = AttentionMasks.causal(4);
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                assertThat(m.allowed(i, j)).as("(%d,%d)", i, j).isEqualTo(j <= i);
            }
        }
    }

    @Test
    void frameBlockCausalHandCase() {
        // [text][f0 f0][f1 f1][text text] → each row sees up to: 1, 3, 3, 5, 5, 6, 7.
        AttentionMask m = AttentionMasks.frameBlockCausal(1, grid(frame(1, 2), frame(2, 1)), 2);
        int[] expected = {1, 3, 3, 5, 5, 6, 7};
        for (int i = 0; i < expected.length; i++) {
            assertThat(m.visibleEnd(i)).as("row %d", i).isEqualTo(expected[i]);
        }
        assertThat(m.allowed(1, 2)).isTrue();
        assertThat(m.allowed(2, 3)).isFalse();
        assertThat(m.allowed(3, 4)).isTrue();
        assertThat(m.allowed(4, 0)).isTrue();
        assertThat(m.allowed(5, 6)).isFalse();
        assertThat(m.allowed(0, 1)).isFalse();
    }

    @Test
    void frameBlockCausalMatchesItsDefinitionOnReducedSets() {
        Random rnd = new Random(3);
        TokenSet full = grid(frame(2, 3), frame(3, 2), frame(1, 1), frame(2, 2));
        for (int trial = 0; trial < 20; trial++) {
            int[] keep = rnd.ints(0, full.size()).distinct().limit(1 + rnd.nextInt(full.size())).toArray();
            TokenSet t = full.selectInOrder(keep);
            int before = rnd.nextInt(3);
            int after = rnd.nextInt(3);
            AttentionMask m = AttentionMasks.frameBlockCausal(before, t, after);
            int len = before + t.size() + after;
            assertThat(m.length()).isEqualTo(len);
            for (int i = 0; i < len; i++) {
                for (int j = 0; j < len; j++) {
                    boolean vi = i >= before && i < before + t.size();
                    boolean vj = j >= before && j < before + t.size();
                    boolean sameFrame = vi && vj && t.frame(i - before) == t.frame(j - before);
                    assertThat(m.allowed(i, j)).as("(%d,%d)", i, j).isEqualTo(j <= i || sameFrame);
                }
            }
        }
    }

    @Test
    void frameBlockMaskRejectsTokensOutOfFrameOrder() {
        TokenSet t = grid(frame(1, 2), frame(1, 2)).select(new int[] {2, 0}, null);
        assertThatThrownBy(() -> AttentionMasks.frameBlockCausal(0, t, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("grouped by frame");
        assertThatThrownBy(() -> AttentionMasks.causal(2).allowed(0, 2)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> new MRope3D().sequence(-1, t, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
