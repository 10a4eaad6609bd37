package io.glimpse.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.glimpse.reduce.ReduceContext;
import io.glimpse.tokens.TokenSet;
import org.junit.jupiter.api.Test;

class SyntheticTokensTest {
    private static final InputShape SHAPE = InputShape.parse("3x196x256");

    private static double cos(TokenSet t, int i, int j) {
        float[] e = t.embeddingsView();
        int d = t.dim();
        double s = 0;
        for (int k = 0; k < d; k++) {
            s += (double) e[i * d + k] * e[j * d + k];
        }
        return s;
    }

    @Test
    void embeddingsAreUnitVectorsOnTheGrid() {
        TokenSet t = SyntheticTokens.tokens(SHAPE, 1);
        assertThat(t.size()).isEqualTo(3 * 196);
        assertThat(t.frames()).hasSize(3);
        for (int i = 0; i < t.size(); i += 37) {
            assertThat(cos(t, i, i)).isCloseTo(1, within(1e-5));
        }
    }

    @Test
    void correlationIsMildInSpaceStrongInTimeAndAbsentAcrossCells() {
        TokenSet t = SyntheticTokens.tokens(SHAPE, 2);
        double sameCell = 0;
        double otherCell = 0;
        double nextFrame = 0;
        int n = 0;
        // Rows 0..11 and columns 0..10: (r,c) and (r,c+1) share a 4-wide cell when c % 4 != 3; (r,c+4) never does.
        for (int r = 0; r < 12; r++) {
            for (int c = 0; c < 11; c += 4) {
                int p = r * 14 + c;
                sameCell += cos(t, p, p + 1);
                otherCell += cos(t, p, p + 4);
                nextFrame += cos(t, p, p + 196);
                n++;
            }
        }
        assertThat(sameCell / n).isBetween(0.25, 0.5);
        assertThat(otherCell / n).isBetween(-0.1, 0.1);
        assertThat(nextFrame / n).isBetween(0.8, 0.97);
    }

    @Test
    void sameSeedSameTokens() {
        TokenSet a = SyntheticTokens.tokens(SHAPE, 5);
        TokenSet b = SyntheticTokens.tokens(SHAPE, 5);
        TokenSet c = SyntheticTokens.tokens(SHAPE, 6);
        assertThat(a.embeddingsView()).isEqualTo(b.embeddingsView());
        assertThat(a.embeddingsView()[1000]).isNotEqualTo(c.embeddingsView()[1000]);
    }

    @Test
    void attentionMapsCoverEveryLayerAndEachFrameSumsToOne() {
        ReduceContext ctx = SyntheticTokens.context(SHAPE, 3);
        assertThat(ctx.attention().spelled()).hasSize(3 * 26).containsKeys("cls@1", "received@9", "cls@23", "received@26", "global@9");
        float[] map = ctx.attention().spelled().get("received@23");
        assertThat(map).hasSize(3 * 196);
        for (int f = 0; f < 3; f++) {
            double sum = 0;
            float max = 0;
            for (int p = 0; p < 196; p++) {
                assertThat(map[f * 196 + p]).isPositive();
                sum += map[f * 196 + p];
                max = Math.max(max, map[f * 196 + p]);
            }
            assertThat(sum).isCloseTo(1, within(1e-5));
            // A sink takes many times the uniform share 1/196.
            assertThat(max).isGreaterThan(20f / 196);
        }
        assertThat(ctx.attention().spelled().get("cls@23")).isNotEqualTo(map);
    }
}
