package io.glimpse.reduce;

import io.glimpse.tokens.TokenSet;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class VqTokenClusterTest {
    private static final ReduceContext CTX = new ReduceContext(7, Map.of(), null);

    /** 4 frames of 3×3 whose tokens point, with small noise, in one of three directions chosen by column. */
    private static TokenSet threeDirections() {
        Random rnd = new Random(3);
        float[][] rows = new float[36][];
        for (int i = 0; i < 36; i++) {
            int dir = i % 3;
            rows[i] = new float[4];
            for (int j = 0; j < 4; j++) {
                rows[i][j] = (j == dir ? 1f : 0f) + (float) rnd.nextGaussian() * 0.02f;
            }
        }
        return Fixtures.grid(4, 3, 3, rows);
    }

    @Test
    void adaptiveCodebookFindsTheThreeDirections() {
        TokenSet out = Reducers.create("vqtoken:mink=2,maxk=8").apply(threeDirections(), CTX);
        assertThat(out.size()).isEqualTo(3);
        int[] hash = out.origin();
        for (int p = 0; p < hash.length; p++) {
            assertThat(hash[p]).as("patch %d", p).isEqualTo(hash[p % 3]);
        }
        assertThat(out.sizes()).containsExactly(12, 12, 12);
    }

    @Test
    void decodingPutsEachCodeBackOnEveryPositionItStandsFor() {
        TokenSet out = Reducers.create("vqtoken:k=3").apply(threeDirections(), CTX);
        float[] grid = VqTokenCluster.decode(out);
        assertThat(grid).hasSize(36 * 4);
        for (int p = 0; p < 36; p++) {
            for (int j = 0; j < 4; j++) {
                assertThat(grid[p * 4 + j]).isEqualTo(out.get(out.origin(p), j));
            }
        }
    }

    @Test
    void droppedPatchesDecodeToZero() {
        TokenSet in = threeDirections().selectInOrder(new int[] {0, 1, 2, 3, 4, 5});
        float[] grid = VqTokenCluster.decode(Reducers.create("vqtoken:k=2").apply(in, CTX));
        for (int j = 6 * 4; j < grid.length; j++) {
            assertThat(grid[j]).isZero();
        }
    }
}
