package io.glimpse.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.glimpse.image.RgbImage;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class PatchStatsProperties {
    private static double norm(float[] x, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += (double) x[i] * x[i];
        }
        return Math.sqrt(s);
    }

    @Property(tries = 150)
    void everyDescriptorIsFiniteAndUnitOrZero(@ForAll @IntRange(min = 3, max = 20) int patch,
                                              @ForAll @IntRange(min = 1, max = 4) int gridW,
                                              @ForAll @IntRange(min = 1, max = 4) int gridH,
                                              @ForAll @IntRange(min = 0, max = 19) int extra,
                                              @ForAll @IntRange(min = 1, max = 256) int levels,
                                              @ForAll long seed) {
        // Few levels make flat and black patches common; the extra pixels exercise the ignored remainder.
        int w = gridW * patch + extra % patch;
        int h = gridH * patch + extra % patch;
        Random rnd = new Random(seed);
        byte[] rgb = new byte[w * h * 3];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (byte) (rnd.nextInt(levels) * (255 / Math.max(1, levels - 1)));
        }
        PatchStats.Encoding e = new PatchStats(patch).encode(List.of(new RgbImage(w, h, rgb, 0.25)));
        assertThat(e.tokens().size()).isEqualTo(gridW * gridH);
        assertThat(e.tokens().isFinite()).isTrue();
        float[] emb = e.tokens().embeddingsView();
        for (int t = 0; t < e.tokens().size(); t++) {
            double n = norm(emb, t * PatchStats.DIM, (t + 1) * PatchStats.DIM);
            assertThat(n < 1e-6 || Math.abs(n - 1) < 1e-5).as("norm %f", n).isTrue();
        }
        assertThat(norm(e.frameDescriptors(), 0, PatchStats.FRAME_DIM)).isCloseTo(1.0, offset(1e-5));
    }
}
