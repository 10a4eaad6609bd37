package io.glimpse.lm;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RopeTest {
    private static DecoderConfig config(DecoderConfig.Llama3Scaling scaling) {
        return new DecoderConfig("llama", 10, 16, 32, 1, 2, 2, 8, 1e-5f, 10000, scaling, false, false, false, false, 512);
    }

    @Test
    void frequenciesFallGeometricallyWithTheta() {
        assertThat(new Rope(config(null)).inverseFrequencies())
                .containsExactly(new float[] {1f, 0.1f, 0.01f, 0.001f}, within(1e-7f));
    }

    @Test
    void llama3ScalingKeepsHighFrequenciesDividesLowOnesAndBlendsBetween() {
        // Wavelengths 2π/inv: 6.3 (< 64/4, kept), 62.8 (between, blended), 628 and 6283 (> 64/1, divided by 8).
        float[] inv = new Rope(config(new DecoderConfig.Llama3Scaling(8, 1, 4, 64))).inverseFrequencies();
        double smooth = (64 / (2 * Math.PI / 0.1) - 1) / 3;
        assertThat(inv[0]).isEqualTo(1f);
        assertThat((double) inv[1]).isCloseTo((1 - smooth) * 0.1 / 8 + smooth * 0.1, within(1e-7));
        assertThat((double) inv[2]).isCloseTo(0.01 / 8, within(1e-9));
        assertThat((double) inv[3]).isCloseTo(0.001 / 8, within(1e-10));
    }

    @Test
    void rotateHalfPairsDimensionIWithIPlusHalf() {
        float[] v = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        new Rope(config(null)).apply(v, 1, 1, 3);
        float[] inv = {1f, 0.1f, 0.01f, 0.001f};
        assertThat(v[0]).isZero();
        assertThat(v[9]).isEqualTo(9);
        for (int i = 0; i < 4; i++) {
            double a = 3 * inv[i];
            double x = i + 1;
            double y = i + 5;
            assertThat((double) v[1 + i]).isCloseTo(x * Math.cos(a) - y * Math.sin(a), within(1e-5));
            assertThat((double) v[5 + i]).isCloseTo(y * Math.cos(a) + x * Math.sin(a), within(1e-5));
        }
    }
}
