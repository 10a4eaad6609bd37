package io.glimpse.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import io.glimpse.image.RgbImage;
import io.glimpse.tokens.FrameInfo;
import io.glimpse.tokens.TokenSet;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PatchStatsTest {
    private interface Pixel {
        int[] rgb(int x, int y);
    }

    private static RgbImage image(int w, int h, Pixel pixel) {
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int[] p = pixel.rgb(x, y);
                for (int c = 0; c < 3; c++) {
                    rgb[(y * w + x) * 3 + c] = (byte) Math.max(0, Math.min(255, p[c]));
                }
            }
        }
        return new RgbImage(w, h, rgb, 0);
    }

    private static RgbImage randomImage(int w, int h, long seed) {
        Random rnd = new Random(seed);
        return image(w, h, (x, y) -> new int[] {rnd.nextInt(256), rnd.nextInt(256), rnd.nextInt(256)});
    }

    /** Reddish stripes of period 4 along x (or along y when rotated), with ±noise per channel. */
    private static RgbImage stripes(boolean rotated, boolean hueShift, int noise, long seed) {
        Random rnd = new Random(seed);
        return image(14, 14, (x, y) -> {
            int phase = ((rotated ? y : x) / 2) % 2;
            int[] c = phase == 0 ? new int[] {200, 60, 40} : new int[] {120, 30, 20};
            if (hueShift) {
                c = new int[] {c[2], c[0], c[1]};
            }
            for (int k = 0; k < 3; k++) {
                c[k] += noise == 0 ? 0 : rnd.nextInt(2 * noise + 1) - noise;
            }
            return c;
        });
    }

    private static double norm(float[] x, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += (double) x[i] * x[i];
        }
        return Math.sqrt(s);
    }

    private static double distance(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(s);
    }

    private static int argmax(float[] x, int from, int to) {
        int best = from;
        for (int i = from; i < to; i++) {
            if (x[i] > x[best]) {
                best = i;
            }
        }
        return best - from;
    }

    @Test
    void descriptorsHaveUnitLength() {
        PatchStats ps = new PatchStats(14);
        PatchStats.Frame f = ps.describe(randomImage(45, 30, 1));
        for (int p = 0; p < 6; p++) {
            assertThat(norm(f.patches(), p * PatchStats.DIM, (p + 1) * PatchStats.DIM)).isCloseTo(1.0, offset(1e-5));
        }
        assertThat(norm(f.descriptor(), 0, PatchStats.FRAME_DIM)).isCloseTo(1.0, offset(1e-5));
    }

    @Test
    void identicalPatchesGiveIdenticalDescriptorsWhateverTheirNeighbours() {
        RgbImage tile = randomImage(14, 14, 7);
        // Patch (0,0) and (1,2) repeat the tile; the rest is different noise.
        Random rnd = new Random(8);
        RgbImage img = image(42, 28, (x, y) -> {
            boolean copy = (x < 14 && y < 14) || (x >= 28 && y >= 14);
            return copy ? new int[] {tile.get(x % 14, y % 14, 0), tile.get(x % 14, y % 14, 1), tile.get(x % 14, y % 14, 2)}
                    : new int[] {rnd.nextInt(256), rnd.nextInt(256), rnd.nextInt(256)};
        });
        float[] d = new PatchStats(14).describe(img).patches();
        int last = 5 * PatchStats.DIM;
        assertThat(Arrays.copyOfRange(d, last, last + PatchStats.DIM))
                .containsExactly(Arrays.copyOfRange(d, 0, PatchStats.DIM));
        assertThat(Arrays.copyOfRange(d, PatchStats.DIM, 2 * PatchStats.DIM))
                .isNotEqualTo(Arrays.copyOfRange(d, 0, PatchStats.DIM));
    }

    @Test
    void hueShiftAndRotationMoveFartherThanNoise() {
        PatchStats ps = new PatchStats(14);
        float[] base = ps.describe(stripes(false, false, 6, 1)).patches();
        float[] noisy = ps.describe(stripes(false, false, 6, 2)).patches();
        float[] hue = ps.describe(stripes(false, true, 6, 3)).patches();
        float[] rotated = ps.describe(stripes(true, false, 6, 4)).patches();
        double noiseDistance = distance(base, noisy);
        assertThat(distance(base, hue)).isGreaterThan(3 * noiseDistance);
        assertThat(distance(base, rotated)).isGreaterThan(3 * noiseDistance);
    }

    @Test
    void edgeOrientationsLandInTheirBins() {
        PatchStats ps = new PatchStats(14);
        int g = PatchStats.GRADIENT_OFFSET;
        int bins = PatchStats.ORIENTATION_BINS;
        float[] vertical = ps.rawFeatures(image(14, 14, (x, y) -> x < 7 ? new int[] {0, 0, 0} : new int[] {255, 255, 255}));
        assertThat(argmax(vertical, g, g + bins)).isEqualTo(0);
        // Bright-to-dark gives the same unsigned orientation.
        float[] flipped = ps.rawFeatures(image(14, 14, (x, y) -> x < 7 ? new int[] {255, 255, 255} : new int[] {0, 0, 0}));
        assertThat(Arrays.copyOfRange(flipped, g, g + bins)).containsExactly(Arrays.copyOfRange(vertical, g, g + bins));
        float[] horizontal = ps.rawFeatures(image(14, 14, (x, y) -> y < 7 ? new int[] {0, 0, 0} : new int[] {255, 255, 255}));
        assertThat(argmax(horizontal, g, g + bins)).isEqualTo(4);
        float[] diagonal = ps.rawFeatures(image(14, 14, (x, y) -> x + y < 14 ? new int[] {0, 0, 0} : new int[] {255, 255, 255}));
        assertThat(argmax(diagonal, g, g + bins)).isEqualTo(2);
        float[] antiDiagonal = ps.rawFeatures(image(14, 14, (x, y) -> x > y ? new int[] {0, 0, 0} : new int[] {255, 255, 255}));
        assertThat(argmax(antiDiagonal, g, g + bins)).isEqualTo(6);
        // A vertical edge has no other orientation: everything outside bin 0 is zero.
        for (int b = 1; b < bins; b++) {
            assertThat(vertical[g + b]).isZero();
        }
        // Columns 6 and 7 straddle the step, each with central difference 0.5·(1 - 0), over 14 rows and 196 pixels.
        assertThat(vertical[g]).isCloseTo(2 * 14 * 0.5f / (14 * 14), offset(1e-5f));
    }

    @Test
    void dctAndColourOfAHalfBlackHalfWhitePatchMatchHandValues() {
        // P = 4, left two columns black (L = 0), right two white (L = 1):
        // C(1,0) = (1/P)·√(2/4)·√(1/4)·4·(cos(5π/8) + cos(7π/8)) = -0.4619398; C(2,0) = C(0,v) = 0.
        float[] raw = new PatchStats(4).rawFeatures(image(4, 4, (x, y) -> x < 2 ? new int[] {0, 0, 0} : new int[] {255, 255, 255}));
        int d = PatchStats.DCT_OFFSET;
        assertThat(raw[d]).isCloseTo(-0.4619398f, offset(1e-5f));
        for (int k = 1; k < 8; k++) {
            assertThat(raw[d + k]).as("coefficient %d", k).isCloseTo(0f, offset(1e-6f));
        }
        assertThat(raw[PatchStats.COLOUR_OFFSET]).isCloseTo(0.5f, offset(1e-5f));
        assertThat(raw[PatchStats.COLOUR_OFFSET + 3]).isCloseTo(0.5f, offset(1e-5f));
        assertThat(raw[PatchStats.COLOUR_OFFSET + 1]).isCloseTo(0f, offset(1e-5f));
    }

    @Test
    void dctOfAHorizontalStepIsAVerticalFrequency() {
        // Top two rows white, bottom two black: C(0,1) = (1/4)·√(1/4)·√(2/4)·4·(cos(π/8) + cos(3π/8)) = +0.4619398.
        float[] raw = new PatchStats(4).rawFeatures(image(4, 4, (x, y) -> y < 2 ? new int[] {255, 255, 255} : new int[] {0, 0, 0}));
        assertThat(raw[PatchStats.DCT_OFFSET + 2]).isCloseTo(0.4619398f, offset(1e-5f));
        assertThat(raw[PatchStats.DCT_OFFSET]).isCloseTo(0f, offset(1e-6f));
    }

    @Test
    void encodeBuildsGridsFramesAndShapes() {
        RgbImage a = new RgbImage(45, 30, randomImage(45, 30, 3).rgb(), 1.5);
        RgbImage b = new RgbImage(28, 28, randomImage(28, 28, 4).rgb(), 2.0);
        PatchStats.Encoding e = new PatchStats(14).encode(List.of(a, b));
        TokenSet t = e.tokens();
        assertThat(t.size()).isEqualTo(2 * 3 + 2 * 2);
        assertThat(t.dim()).isEqualTo(PatchStats.DIM);
        assertThat(t.frames()).containsExactly(new FrameInfo(1.5, 2, 3, 45, 30, 0, -1), new FrameInfo(2.0, 2, 2, 28, 28, 0, -1));
        assertThat(e.frameDescriptors()).hasSize(2 * PatchStats.FRAME_DIM);
        assertThat(t.frame(6)).isEqualTo(1);
        assertThat(t.row(5)).isEqualTo(1);
        assertThat(t.col(5)).isEqualTo(2);
        PatchStats.Frame alone = new PatchStats(14).describe(b);
        assertThat(Arrays.copyOfRange(t.embeddingsView(), 6 * PatchStats.DIM, 10 * PatchStats.DIM)).containsExactly(alone.patches());
        assertThat(e.frameDescriptor(1)).containsExactly(alone.descriptor());
        assertThat(new PatchStats(14).encode(List.of(a, b)).tokens()).isEqualTo(t);
    }

    @Test
    void uniformImagesGiveNoNaN() {
        PatchStats ps = new PatchStats(14);
        PatchStats.Frame grey = ps.describe(image(28, 14, (x, y) -> new int[] {128, 128, 128}));
        PatchStats.Frame black = ps.describe(image(28, 14, (x, y) -> new int[] {0, 0, 0}));
        for (float v : grey.patches()) {
            assertThat(Float.isFinite(v)).isTrue();
        }
        assertThat(norm(grey.patches(), 0, PatchStats.DIM)).isCloseTo(1.0, offset(1e-5));
        assertThat(black.patches()).containsOnly(0f);
        assertThat(norm(black.descriptor(), 0, PatchStats.FRAME_DIM)).isCloseTo(1.0, offset(1e-5));
        assertThat(norm(grey.descriptor(), 0, PatchStats.FRAME_DIM)).isCloseTo(1.0, offset(1e-5));
    }

    @Test
    void frameDescriptorSeparatesScenesMoreThanNoise() {
        PatchStats ps = new PatchStats(14);
        float[] scene = ps.describe(stripes(false, false, 6, 1)).descriptor();
        float[] sameScene = ps.describe(stripes(false, false, 6, 9)).descriptor();
        float[] otherScene = ps.describe(stripes(true, true, 6, 1)).descriptor();
        assertThat(distance(scene, otherScene)).isGreaterThan(3 * distance(scene, sameScene));
    }

    @Test
    void fastCubeRootAndOrientationMatchTheLibrary() {
        Random rnd = new Random(11);
        for (int i = 0; i < 10_000; i++) {
            double x = rnd.nextDouble() * Math.pow(10, -rnd.nextInt(6));
            assertThat(PatchStats.cbrt(x)).isCloseTo(Math.cbrt(x), offset(1e-12));
            double gx = rnd.nextGaussian();
            double gy = rnd.nextGaussian();
            double expected = Math.atan2(gy, gx);
            expected = expected < 0 ? expected + Math.PI : expected;
            double actual = PatchStats.orientation(gx, gy);
            double diff = Math.abs(actual - expected);
            assertThat(Math.min(diff, Math.PI - diff)).as("(%f,%f)", gx, gy).isLessThan(2e-5);
            assertThat(actual).isBetween(0.0, Math.PI);
        }
        assertThat(PatchStats.cbrt(0)).isZero();
        assertThat(PatchStats.orientation(-1, 0)).isZero();
        assertThat(PatchStats.orientation(0, -1)).isEqualTo(Math.PI / 2);
    }

    @Test
    void oklabOfPureRedMatchesOttossonsReference() {
        // Reference values from Ottosson's post: sRGB red → OKLab (0.627955, 0.224863, 0.125846).
        float[] raw = new PatchStats(3).rawFeatures(image(3, 3, (x, y) -> new int[] {255, 0, 0}));
        assertThat(raw[0]).isCloseTo(0.627955f, offset(1e-4f));
        assertThat(raw[1]).isCloseTo(0.224863f, offset(1e-4f));
        assertThat(raw[2]).isCloseTo(0.125846f, offset(1e-4f));
        assertThat(raw[3]).isZero();
    }

    @Test
    void badInputIsRejected() {
        assertThatThrownBy(() -> new PatchStats(2)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("patch size");
        assertThatThrownBy(() -> new PatchStats(14).describe(RgbImage.blank(13, 40, 0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("13x40");
        assertThatThrownBy(() -> new PatchStats(14).encode(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
