package io.glimpse.nn;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ActivationTest {
    @Test
    void erfMatchesTabulatedValues() {
        // Reference values from Python math.erf (the C library erf, correctly rounded or within 1 ulp).
        assertThat(Activation.erf(0.0)).isEqualTo(0.0);
        assertThat(Activation.erf(0.5)).isCloseTo(0.5204998778130465, within(1e-15));
        assertThat(Activation.erf(1.0)).isCloseTo(0.8427007929497149, within(1e-15));
        assertThat(Activation.erf(2.0)).isCloseTo(0.9953222650189527, within(1e-15));
        assertThat(Activation.erf(-3.0)).isCloseTo(-0.9999779095030014, within(1e-15));
        assertThat(Activation.erf(5.0)).isCloseTo(0.9999999999984626, within(1e-15));
        assertThat(Activation.erf(7.0)).isEqualTo(1.0);
        assertThat(Activation.erf(Double.NaN)).isNaN();
    }

    @Test
    void activationsMatchTheirDefinitions() {
        float x = 0.75f;
        assertThat(Activation.QUICK_GELU.apply(x)).isCloseTo((float) (0.75 / (1 + Math.exp(-1.702 * 0.75))), within(1e-7f));
        // torch: F.gelu(torch.tensor(0.75, dtype=torch.float64), approximate='tanh') = 0.57996055516562, F.gelu(0.75) = 0.58002948571735
        assertThat(Activation.GELU_TANH.apply(x)).isCloseTo(0.57996056f, within(2e-7f));
        assertThat(Activation.GELU_ERF.apply(x)).isCloseTo(0.58002949f, within(2e-7f));
        assertThat(Activation.GELU_ERF.apply(-10f)).isEqualTo(-0f);
        assertThat(Activation.byName("gelu_new")).isEqualTo(Activation.GELU_TANH);
        assertThat(Activation.byName("relu")).isNull();
    }

    @Test
    void inPlaceAgreesWithTheDoubleReferenceOverOddRanges() {
        java.util.Random rnd = new java.util.Random(11);
        float[] x = new float[1031];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rnd.nextGaussian() * 4);
        }
        for (Activation act : Activation.values()) {
            float[] y = x.clone();
            act.applyInPlace(y, 5, 1022);
            for (int i = 0; i < x.length; i++) {
                float expected = i < 5 || i >= 1022 ? x[i] : act.apply(x[i]);
                // In the far negative tail apply() loses digits to 1 + tanh(u) cancelling in double; the vector
                // path does not, so the two may differ there by amounts negligible against |x|.
                assertThat(y[i]).as("%s at %d", act, i)
                        .isCloseTo(expected, within(2e-6f * Math.abs(expected) + 1e-10f * Math.abs(x[i])));
            }
        }
    }
}
