package io.glimpse.lm;

import io.glimpse.tokens.FrameInfo;
import io.glimpse.tokens.TokenSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AttentionMasksTest {
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

    /** The frame of each token, as the decoder's mask builder takes it. */
    private static int[] frames(TokenSet t) {
        int[] frames = new int[t.size()];
        for (int i = 0; i < frames.length; i++) {
            frames[i] = t.frame(i);
        }
        return frames;
    }

    private static FrameInfo frame(int h, int w) {
        return new FrameInfo(0, h, w, w * 14, h * 14, 0, -1);
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
        AttentionMask m = AttentionMasks.frameBlockCausal(1, frames(grid(frame(1, 2), frame(2, 1))), 2);
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
            AttentionMask m = AttentionMasks.frameBlockCausal(before, frames(t), after);
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
        assertThatThrownBy(() -> AttentionMasks.frameBlockCausal(0, frames(t), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("grouped by frame");
        assertThatThrownBy(() -> AttentionMasks.causal(2).allowed(0, 2)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
