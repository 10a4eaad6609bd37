package io.glimpse.reduce.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.glimpse.tokens.FrameInfo;
import io.glimpse.tokens.TokenSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class QuantizerTest {
    @Test
    void tokenBridgeRestoresBinCentresAndClampsOutliers() {
        TokenBridgeQuantizer q = new TokenBridgeQuantizer(new float[] {0}, new float[] {1}, 4);
        QuantizedTokens codes = q.quantize(new float[] {0.3f, 1f, -2f, 0.75f}, 4);

        assertThat(codes.codes()).containsExactly(1, 3, 0, 3);
        assertThat(q.dequantize(codes)).containsExactly(0.375f, 0.875f, 0.125f, 0.875f);
    }

    @Test
    void tokenBridgeGaussianBinsRestoreTruncatedNormalMeans() {
        TokenBridgeQuantizer two = TokenBridgeQuantizer.gaussian(new float[] {0}, new float[] {1}, 2);
        TokenBridgeQuantizer four = TokenBridgeQuantizer.gaussian(new float[] {0}, new float[] {1}, 4);

        // Bins between the quantiles of N(0,1), clamped at ±3; expected means computed separately with math.erfc.
        assertThat(two.dequantize(new QuantizedTokens(2, 1, new int[] {0, 1}, null)))
                .containsExactly(new float[] {-0.7911568f, 0.7911568f}, within(2e-6f));
        assertThat(four.dequantize(new QuantizedTokens(4, 1, new int[] {0, 1, 2, 3}, null)))
                .containsExactly(new float[] {-1.2601834f, -0.3246628f, 0.3246628f, 1.2601834f}, within(2e-6f));
        // Nearest centroid: -0.8 is nearer -0.32 than -1.26; values beyond 3σ clamp to the outer bins.
        assertThat(four.quantize(new float[] {-0.8f, -0.7f, 0.01f, 9f, -9f}, 5).codes()).containsExactly(0, 1, 2, 3, 0);
    }

    @Test
    void tokenBridgePaperSettingMapsFiveToThreeSigma() {
        TokenBridgeQuantizer q = TokenBridgeQuantizer.gaussian(new float[] {0}, new float[] {5f / 3}, 64);
        assertThat(q.range(0)).containsExactly(new double[] {-5, 5}, within(1e-6));
        assertThat(q.levels(0)).isEqualTo(64);
    }

    @Test
    void fsqRoundsToLevelsIncludingTheEndsAndIndexesTheImplicitCodebook() {
        FsqQuantizer q = new FsqQuantizer(new int[] {8, 5, 5, 5}, new float[] {0, -1, -1, -1}, new float[] {7, 1, 1, 1});
        QuantizedTokens codes = q.quantize(new float[] {1.2f, -0.1f, 0.5f, 1f}, 1);

        assertThat(codes.codes()).containsExactly(1, 2, 3, 4);
        assertThat(q.dequantize(codes)).containsExactly(1f, 0f, 0.5f, 1f);
        assertThat(q.codebookIndex(codes, 0)).isEqualTo(1 + 2 * 8 + 3 * 40 + 4 * 200);
    }

    @Test
    void binaryPerTokenSendsTheMeanAbsoluteValue() {
        BinaryQuantizer q = new BinaryQuantizer(4);
        QuantizedTokens codes = q.quantize(new float[] {1, -3, 0, 4}, 1);

        assertThat(codes.codes()).containsExactly(1, 0, 1, 1);
        assertThat(codes.tokenScales()).containsExactly(2f);
        assertThat(q.dequantize(codes)).containsExactly(2, -2, 2, 2);
    }

    @Test
    void reconstructionErrorByHand() {
        ReconstructionError e = ReconstructionError.of(new float[] {1, 0, 0, 1, 0, 0}, new float[] {1, 0, 0, 0, 0, 0}, 3, 2);

        assertThat(e.mse()).isCloseTo(1.0 / 6, within(1e-12));
        assertThat(e.maxAbsError()).isEqualTo(1.0);
        assertThat(e.meanCosine()).isCloseTo((1 + 0 + 1) / 3.0, within(1e-12));
    }

    @Test
    void roundTripKeepsTheTokenSetsProvenance() {
        TokenSet in = TokenSet.fromGrid(new float[] {0, 1, 2, 3}, 2, List.of(new FrameInfo(0, 1, 2, 28, 14, 0, -1)));
        FsqQuantizer q = FsqQuantizer.fit(in.embeddingsView(), 2, 2, new int[] {3});

        TokenSet out = q.dequantize(in, q.quantize(in));

        assertThat(out.embeddingsView()).containsExactly(0, 1, 2, 3);
        assertThat(out.origin()).isEqualTo(in.origin());
    }

    @Test
    void badInputIsRejectedWithAClearMessage() {
        TokenBridgeQuantizer tb = new TokenBridgeQuantizer(new float[] {0, 0}, new float[] {1, 1}, 8);
        assertThatThrownBy(() -> tb.quantize(new float[] {0, Float.NaN}, 1)).hasMessageContaining("NaN at dimension 1");
        assertThatThrownBy(() -> tb.quantize(new float[] {0, 1, 2}, 1)).hasMessageContaining("do not form 1x2");
        assertThatThrownBy(() -> tb.dequantize(new QuantizedTokens(1, 2, new int[] {0, 8}, null)))
                .hasMessageContaining("outside [0, 8)");
        assertThatThrownBy(() -> new TokenBridgeQuantizer(new float[] {0}, new float[] {1}, 1)).hasMessageContaining("bins");
        assertThatThrownBy(() -> new TokenBridgeQuantizer(new float[] {1}, new float[] {0}, 4)).hasMessageContaining("range");
        assertThatThrownBy(() -> FsqQuantizer.fit(new float[] {0, 1}, 1, 2, new int[] {8, 1}))
                .hasMessageContaining("at least 2 levels");
        assertThatThrownBy(() -> FsqQuantizer.fit(new float[] {0, 1}, 1, 2, new int[0]))
                .hasMessageContaining("at least one level count");
        assertThatThrownBy(() -> new BinaryQuantizer(2).quantize(new float[] {Float.POSITIVE_INFINITY, 0}, 1))
                .hasMessageContaining("Infinity");
        assertThatThrownBy(() -> new BinaryQuantizer(2).dequantize(new QuantizedTokens(1, 2, new int[] {0, 1}, null)))
                .hasMessageContaining("lack per-token scales");
        TokenSet threeDims = TokenSet.fromGrid(new float[3], 3, List.of(new FrameInfo(0, 1, 1, 14, 14, 0, -1)));
        assertThatThrownBy(() -> new FsqQuantizer(new int[] {4, 4}, new float[] {0, 0}, new float[] {1, 1})
                .quantize(threeDims))
                .hasMessageContaining("dimension 3");
    }

    /** A list of levels repeats over the dimensions: 8,5,5 over seven dimensions is 8,5,5,8,5,5,8. */
    @Test
    void fsqLevelListRepeatsOverTheDimensions() {
        float[] x = new float[14];
        for (int i = 7; i < 14; i++) {
            x[i] = 1;
        }
        FsqQuantizer q = FsqQuantizer.fit(x, 2, 7, new int[] {8, 5, 5});
        int[] levels = new int[7];
        for (int k = 0; k < 7; k++) {
            levels[k] = q.levels(k);
        }
        assertThat(levels).containsExactly(8, 5, 5, 8, 5, 5, 8);
        assertThat(FsqQuantizer.fit(new float[] {0, 1}, 1, 2, new int[] {8, 5, 5}).levels(1)).isEqualTo(5);
    }
}
