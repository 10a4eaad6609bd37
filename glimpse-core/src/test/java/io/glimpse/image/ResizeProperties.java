package io.glimpse.image;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class ResizeProperties {

    private static RgbImage noise(int w, int h, long seed) {
        byte[] rgb = new byte[w * h * 3];
        new java.util.Random(seed).nextBytes(rgb);
        return new RgbImage(w, h, rgb, 0);
    }

    /** Area weights are non-negative, so every output channel lies within the input's range for that channel. */
    @Property(tries = 200)
    void areaNeverLeavesTheInputRange(@ForAll @IntRange(min = 1, max = 24) int w,
                                      @ForAll @IntRange(min = 1, max = 24) int h,
                                      @ForAll @IntRange(min = 1, max = 24) int ow,
                                      @ForAll @IntRange(min = 1, max = 24) int oh, @ForAll long seed) {
        RgbImage src = noise(w, h, seed);
        RgbImage out = Resize.resize(src, ow, oh, Resize.Filter.AREA);
        for (int c = 0; c < 3; c++) {
            int min = 255;
            int max = 0;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    min = Math.min(min, src.get(x, y, c));
                    max = Math.max(max, src.get(x, y, c));
                }
            }
            for (int y = 0; y < oh; y++) {
                for (int x = 0; x < ow; x++) {
                    assertThat(out.get(x, y, c)).isBetween(min, max);
                }
            }
        }
    }

    /** At integer ratios AREA is the block mean, off by at most one level from rounding between the two passes. */
    @Property(tries = 200)
    void areaAtIntegerRatiosIsTheBlockMean(@ForAll @IntRange(min = 1, max = 6) int fx,
                                           @ForAll @IntRange(min = 1, max = 6) int fy,
                                           @ForAll @IntRange(min = 1, max = 5) int ow,
                                           @ForAll @IntRange(min = 1, max = 5) int oh, @ForAll long seed) {
        RgbImage src = noise(ow * fx, oh * fy, seed);
        RgbImage out = Resize.resize(src, ow, oh, Resize.Filter.AREA);
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                for (int c = 0; c < 3; c++) {
                    double sum = 0;
                    for (int dy = 0; dy < fy; dy++) {
                        for (int dx = 0; dx < fx; dx++) {
                            sum += src.get(x * fx + dx, y * fy + dy, c);
                        }
                    }
                    assertThat((double) out.get(x, y, c)).isCloseTo(sum / (fx * fy),
                            org.assertj.core.api.Assertions.within(1.0));
                }
            }
        }
    }

    /** Both filters' weights are normalised, so a flat image stays flat at any size. */
    @Property(tries = 200)
    void flatImagesStayFlat(@ForAll @IntRange(min = 1, max = 30) int w, @ForAll @IntRange(min = 1, max = 30) int h,
                            @ForAll @IntRange(min = 1, max = 30) int ow, @ForAll @IntRange(min = 1, max = 30) int oh,
                            @ForAll @IntRange(min = 0, max = 255) int level, @ForAll Resize.Filter filter) {
        byte[] rgb = new byte[w * h * 3];
        java.util.Arrays.fill(rgb, (byte) level);
        RgbImage out = Resize.resize(new RgbImage(w, h, rgb, 0), ow, oh, filter);
        for (byte b : out.rgb()) {
            assertThat(b & 0xff).isEqualTo(level);
        }
    }
}
