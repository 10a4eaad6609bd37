package io.glimpse.reduce.quant;

import static org.assertj.core.api.Assertions.assertThat;

import io.glimpse.reduce.ReduceContext;
import io.glimpse.tokens.FrameInfo;
import io.glimpse.tokens.TokenSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class QuantizeRoundTripTest {
    private static final TokenSet IN = TokenSet.fromGrid(new float[] {0, -4, 1, 2, 3, 4, 2, -2}, 2,
            List.of(new FrameInfo(0, 2, 2, 28, 28, 0, -1)));

    @Test
    void replacesEmbeddingsByTheirQuantizedValuesAndKeepsProvenance() {
        TokenSet fsq = QuantizeRoundTrip.fsq(new int[] {4}).apply(IN, ReduceContext.defaults());
        TokenSet tb = QuantizeRoundTrip.tokenBridge(2, false).apply(IN, ReduceContext.defaults());
        TokenSet bin = QuantizeRoundTrip.binary(true).apply(IN, ReduceContext.defaults());

        // Dimension 0 spans [0,3], dimension 1 [-4,4]. FSQ levels: {0,1,2,3} and {-4,-4/3,4/3,4}.
        assertThat(fsq.embeddingsView()).containsExactly(0, -4, 1, 4f / 3, 3, 4, 2, -4f / 3);
        // Two bins: centres 0.75, 2.25 and -2, 2.
        assertThat(tb.embeddingsView()).containsExactly(0.75f, -2, 0.75f, 2, 2.25f, 2, 2.25f, -2);
        assertThat(bin.embeddingsView()).containsExactly(2, -2, 1.5f, 1.5f, 3.5f, 3.5f, 2, -2);
        assertThat(fsq.origin()).isEqualTo(IN.origin());
        // Levels 4x2: dimension 1 has only its ends, -4 and 4.
        assertThat(QuantizeRoundTrip.fsq(new int[] {4, 2}).apply(IN, ReduceContext.defaults()).embeddingsView())
                .containsExactly(0, -4, 1, 4, 3, 4, 2, -4);
        assertThat(bin.sizes()).isEqualTo(IN.sizes());
    }
}
