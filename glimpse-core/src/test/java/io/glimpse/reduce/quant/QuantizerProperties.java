package io.glimpse.reduce.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class QuantizerProperties {
    @Provide
    Arbitrary<Matrices> matrices() {
        return Matrices.any();
    }

    private static void codesInRange(Quantizer q, QuantizedTokens codes) {
        for (int i = 0; i < codes.codes().length; i++) {
            assertThat(codes.codes()[i]).isBetween(0, q.levels(i % q.dim()) - 1);
        }
    }

    private static void idempotent(Quantizer q, Matrices m) {
        QuantizedTokens codes = q.quantize(m.x(), m.n());
        float[] restored = q.dequantize(codes);
        QuantizedTokens again = q.quantize(restored, m.n());
        assertThat(again.codes()).isEqualTo(codes.codes());
        assertThat(q.dequantize(again)).isEqualTo(restored);
    }

    @Property(tries = 300)
    void tokenBridgeErrorIsAtMostHalfABin(@ForAll("matrices") Matrices m, @ForAll @IntRange(min = 2, max = 256) int bins) {
        TokenBridgeQuantizer q = TokenBridgeQuantizer.fit(m.x(), m.n(), m.d(), bins);
        QuantizedTokens codes = q.quantize(m.x(), m.n());
        codesInRange(q, codes);
        float[] restored = q.dequantize(codes);
        for (int i = 0; i < restored.length; i++) {
            double half = q.maxError(i % m.d());
            assertThat(half).isCloseTo((q.range(i % m.d())[1] - q.range(i % m.d())[0]) / bins / 2, within(1e-9 + half * 1e-6));
            assertThat((double) restored[i]).isCloseTo(m.x()[i], within(half * (1 + 1e-5) + 1e-6 * Math.abs(m.x()[i])));
        }
        idempotent(q, m);
    }

    @Property(tries = 300)
    void tokenBridgeGaussianErrorIsAtMostHalfTheWidestGapInsideThreeSigma(@ForAll("matrices") Matrices m,
            @ForAll @IntRange(min = 2, max = 256) int bins) {
        TokenBridgeQuantizer q = TokenBridgeQuantizer.fitGaussian(m.x(), m.n(), m.d(), bins);
        QuantizedTokens codes = q.quantize(m.x(), m.n());
        codesInRange(q, codes);
        float[] restored = q.dequantize(codes);
        for (int i = 0; i < restored.length; i++) {
            double[] range = q.range(i % m.d());
            double x = Math.max(range[0], Math.min(range[1], m.x()[i]));
            double bound = q.maxError(i % m.d()) * (1 + 1e-5) + 1e-6 * (1 + Math.abs(x));
            assertThat((double) restored[i]).isCloseTo(x, within(bound));
        }
        idempotent(q, m);
    }

    @Property(tries = 300)
    void fsqErrorIsAtMostHalfALevelStep(@ForAll("matrices") Matrices m, @ForAll @IntRange(min = 2, max = 16) int levels) {
        FsqQuantizer q = FsqQuantizer.fit(m.x(), m.n(), m.d(), new int[] {levels});
        QuantizedTokens codes = q.quantize(m.x(), m.n());
        codesInRange(q, codes);
        float[] restored = q.dequantize(codes);
        for (int i = 0; i < restored.length; i++) {
            double half = q.step(i % m.d()) / 2;
            assertThat((double) restored[i]).isCloseTo(m.x()[i], within(half * (1 + 1e-5) + 1e-6 * Math.abs(m.x()[i])));
        }
        idempotent(q, m);
    }

    @Property(tries = 300)
    void binaryPerTokenKeepsSignsAndLosesExactlyTheResidualEnergy(@ForAll("matrices") Matrices m) {
        BinaryQuantizer q = new BinaryQuantizer(m.d());
        QuantizedTokens codes = q.quantize(m.x(), m.n());
        codesInRange(q, codes);
        float[] restored = q.dequantize(codes);
        for (int t = 0; t < m.n(); t++) {
            double energy = 0;
            double error = 0;
            double scale = codes.tokenScales()[t];
            for (int k = 0; k < m.d(); k++) {
                double x = m.x()[t * m.d() + k];
                double r = restored[t * m.d() + k];
                energy += x * x;
                error += (x - r) * (x - r);
                assertThat(Math.abs(r)).isEqualTo(scale, within(0.0));
                if (x != 0) {
                    assertThat(Math.signum(r)).isEqualTo(Math.signum(x));
                }
            }
            // ||x - a·sign(x)||² = ||x||² - d·a² when a = mean |x| (the least-squares scale).
            assertThat(error).isCloseTo(energy - m.d() * scale * scale, within(1e-4 * (1 + energy)));
        }
        idempotent(q, m);
    }

    @Property(tries = 300)
    void binaryPerDimensionLosesExactlyTheResidualEnergyOfEachDimension(@ForAll("matrices") Matrices m) {
        BinaryQuantizer q = BinaryQuantizer.fitPerDimension(m.x(), m.n(), m.d());
        QuantizedTokens codes = q.quantize(m.x(), m.n());
        codesInRange(q, codes);
        assertThat(codes.tokenScales()).isNull();
        float[] restored = q.dequantize(codes);
        for (int k = 0; k < m.d(); k++) {
            double energy = 0;
            double error = 0;
            double scale = Math.abs(restored[k]);
            for (int t = 0; t < m.n(); t++) {
                double x = m.x()[t * m.d() + k];
                double r = restored[t * m.d() + k];
                energy += x * x;
                error += (x - r) * (x - r);
            }
            assertThat(error).isCloseTo(energy - m.n() * scale * scale, within(1e-4 * (1 + energy)));
        }
        idempotent(q, m);
    }

    @Property(tries = 200)
    void reconstructionReportMatchesTheRoundTrip(@ForAll("matrices") Matrices m) {
        TokenBridgeQuantizer q = TokenBridgeQuantizer.fit(m.x(), m.n(), m.d(), 16);
        ReconstructionError err = q.roundTripError(m.x(), m.n());
        double maxHalfBin = 0;
        for (int k = 0; k < m.d(); k++) {
            maxHalfBin = Math.max(maxHalfBin, q.maxError(k));
        }
        assertThat(err.maxAbsError()).isLessThanOrEqualTo(maxHalfBin * (1 + 1e-5) + 1e-6);
        assertThat(err.mse()).isLessThanOrEqualTo(err.maxAbsError() * err.maxAbsError() + 1e-12);
        assertThat(err.meanCosine()).isBetween(-1.0 - 1e-9, 1.0 + 1e-9);
    }
}
