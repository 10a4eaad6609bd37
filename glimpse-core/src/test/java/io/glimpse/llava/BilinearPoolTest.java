package io.glimpse.llava;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

/** torch's bilinear interpolate (align_corners=False) to ⌈h/2⌉×⌈w/2⌉ and to other sizes, checked by hand. */
class BilinearPoolTest {
    @Test
    void threeByThreeSamplesAtQuarterAndThreeQuarterPoints() {
        // scale 3/2: sources max(0, 0.5·1.5 − 0.5) = 0.25 and 1.5·1.5 − 0.5 = 1.75; v(y, x) = 3y + x is linear, so
        // the result is v at the source point; channel 2 is x² to catch weight errors a linear field would hide.
        float[] grid = new float[9 * 2];
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 3; x++) {
                grid[(y * 3 + x) * 2] = 3 * y + x;
                grid[(y * 3 + x) * 2 + 1] = x * x;
            }
        }
        float[] out = BilinearPool.halve(grid, 3, 3, 2);
        assertThat(out).hasSize(8);
        float[] want = {1.0f, 2.5f, 5.5f, 7.0f};
        // x² interpolated between 0 and 1 at 0.25 → 0.25, between 1 and 4 at 0.75 → 3.25
        float[] wantSq = {0.25f, 3.25f, 0.25f, 3.25f};
        for (int i = 0; i < 4; i++) {
            assertThat(out[i * 2]).isCloseTo(want[i], offset(1e-6f));
            assertThat(out[i * 2 + 1]).isCloseTo(wantSq[i], offset(1e-6f));
        }
    }

    @Test
    void sourceBelowZeroIsClampedAndOddWidthsRoundUp() {
        // 1×3 → 1×2: rows sample y = max(0, 0.5·1 − 0.5) = 0; columns as above.
        float[] out = BilinearPool.halve(new float[] {0, 10, 20}, 1, 3, 1);
        assertThat(out).containsExactly(2.5f, 17.5f);
    }

    @Test
    void resizeToAnyShapeSamplesAtTheScaledCentres() {
        // 4×2 → 3×1 (the anyres_max shrink is not a halving): rows scale 4/3 → sources 1/6, 1.5, 17/6; columns scale 2
        // → max(0, 0.5·2 − 0.5) = 0.5. v(y, x) = 10y + x is linear, so each output is v at its source point.
        float[] grid = new float[8];
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 2; x++) {
                grid[y * 2 + x] = 10 * y + x;
            }
        }
        float[] out = BilinearPool.resize(grid, 4, 2, 3, 1, 1);
        assertThat(out[0]).isCloseTo(10f / 6 + 0.5f, offset(1e-5f));
        assertThat(out[1]).isCloseTo(15.5f, offset(1e-5f));
        assertThat(out[2]).isCloseTo(170f / 6 + 0.5f, offset(1e-5f));
        assertThatThrownBy(() -> BilinearPool.resize(grid, 4, 2, 0, 1, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shapeMismatchIsRejected() {
        assertThatThrownBy(() -> BilinearPool.halve(new float[5], 2, 2, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void oneVisionFramesOf27By27PoolTo196Rows() {
        float[] grid = new float[27 * 27 * 3];
        java.util.Arrays.fill(grid, 0.5f);
        float[] out = BilinearPool.halve(grid, 27, 27, 3);
        assertThat(out).hasSize(196 * 3);
        for (float v : out) {
            assertThat(v).isCloseTo(0.5f, offset(1e-6f));
        }
    }
}
