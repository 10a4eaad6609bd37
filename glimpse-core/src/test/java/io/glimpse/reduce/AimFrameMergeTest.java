package io.glimpse.reduce;

import io.glimpse.tokens.TokenSet;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AimFrameMergeTest {
    private static final ReduceContext CTX = ReduceContext.defaults();

    /** Frame 1 shows frame 0's four vectors in another order; ToMe over both frames pairs the duplicates. */
    private static TokenSet twoEqualFrames() {
        float[] a = {1, 0};
        float[] b = {0, 1};
        float[] c = {-1, 0.2f};
        float[] e = {0.3f, -1};
        return Fixtures.grid(2, 2, 2, a, b, c, e, b, a, e, c);
    }

    @Test
    void mergesOnlyWithinFramesEvenWhenFramesRepeat() {
        TokenSet out = new AimFrameMerge(Budget.count(4)).apply(twoEqualFrames(), CTX);
        assertThat(out.tokenFrames()).containsExactly(0, 0, 1, 1);
        assertThat(out.sizes()).containsExactly(2, 2, 2, 2);
        TokenSet tome = new BipartiteMerge(Budget.count(4), 0, true).apply(twoEqualFrames(), CTX);
        assertThat(framesOf(out, 0)).containsExactly(0);
        assertThat(framesOf(tome, 0)).as("global ToMe mixes the frames").containsExactly(0, 1);
    }

    /** Frames of the patches token t represents. */
    private static Set<Integer> framesOf(TokenSet set, int t) {
        Set<Integer> frames = new TreeSet<>();
        for (int p = 0; p < set.patchCount(); p++) {
            if (set.origin(p) == t) {
                frames.add(p / set.frameInfo(0).patches());
            }
        }
        return frames;
    }

    @Test
    void defaultKeepsAQuarterOfEachFrame() {
        float[][] rows = new float[32][];
        for (int i = 0; i < 32; i++) {
            rows[i] = new float[] {(float) Math.cos(i), (float) Math.sin(i * 1.7), i % 5};
        }
        TokenSet out = Reducers.create("aim").apply(Fixtures.grid(2, 4, 4, rows), CTX);
        assertThat(out.tokenFrames()).containsExactly(0, 0, 0, 0, 1, 1, 1, 1);
    }

    @Test
    void aBudgetBelowOneTokenPerFrameIsRejected() {
        assertThatThrownBy(() -> Reducers.create("aim:k=1").apply(twoEqualFrames(), CTX))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("aim").hasMessageContaining("2 groups");
    }
}
