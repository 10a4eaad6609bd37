package io.glimpse.reduce;

import io.glimpse.tokens.AttentionMaps;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glimpse.tokens.FrameInfo;
import io.glimpse.tokens.TokenSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VisionDropTest {
    @Test
    void laterStageScoresMergedTokensOverTheirWholeFootprint() {
        float[] e = {1, 0, 0, 1, 0, 1, 1, 0, 1, 1, 0, 1};
        TokenSet in = TokenSet.fromGrid(e, 2, List.of(new FrameInfo(0, 1, 6, 84, 14, 0, -1)));
        ReduceContext ctx = new ReduceContext(0, AttentionMaps.parse(Map.of(
                "received@22", new float[] {0.1f, 0.9f, 0.5f, 0.6f, 0.2f, 0.0f},
                "received@23", new float[] {0.0f, 0.3f, 0.9f, 0.4f, 0.1f, 0.8f})), null);

        // Stage 0 keeps 1 and 3; stride targets 0 and 4 of the rest; 2 and 5 are nearer 4 → group {2,4,5} at col 4.
        // Stage 1 scores that group (0.9+0.1+0.8)/3 = 0.6, above token 3 (0.4) and token 1 (0.3); scoring by the
        // anchor patch alone (0.1) would keep 1 and 3 instead.
        TokenSet out = new VisionDrop(new int[] {2, 2}, new int[] {2, 0}, "received", new int[] {22, 23}).apply(in, ctx);

        assertThat(out.cols()).containsExactly(3, 4);
        assertThat(out.sizes()).containsExactly(1, 3);
        assertThat(out.origin()).containsExactly(-1, -1, 1, 0, 1, 1);
        assertThat(out.embeddingsView()).containsExactly(1, 0, 1f / 3, 1);
    }

    @Test
    void geometricScheduleGrowsEarlierStages() {
        VisionDrop drop = VisionDrop.geometric(16, 3, 4, VisionDrop.DEFAULT_STAGE_KEEP, "received", 23, null);
        assertThat(drop.dominant()).containsExactly(41, 30, 22, 16);
        assertThat(drop.contextual()).containsExactly(8, 6, 4, 3);
        assertThatThrownBy(() -> new VisionDrop(new int[] {2, 3}, new int[] {0, 0}, "received", new int[] {23, 23}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("more than stage 0");
    }
}
