package io.glimpse.reduce;

import io.glimpse.tokens.AttentionMaps;
import static org.assertj.core.api.Assertions.assertThat;

import io.glimpse.tokens.FrameInfo;
import io.glimpse.tokens.TokenSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VisionZipTest {
    @Test
    void mergesRemainingTokensIntoStrideTargetsByCosine() {
        float[] e = {5, 5, 1, 0, 0, 2, 0, 1, 3, 0, 0, 4};
        TokenSet in = TokenSet.fromGrid(e, 2, List.of(new FrameInfo(0, 1, 6, 84, 14, 0, -1)));
        ReduceContext ctx = new ReduceContext(0, AttentionMaps.parse(Map.of("cls@23", new float[] {0.9f, 0.1f, 0.2f, 0.3f, 0.4f, 0.5f})), null);

        TokenSet out = new VisionZip(1, 2, null, "cls", 23, SimilarityMetric.ON_EMBEDDINGS,
                ContextualMerge.Aggregation.MEAN).apply(in, ctx);

        assertThat(out.size()).isEqualTo(3);
        assertThat(out.cols()).containsExactly(0, 1, 3);
        assertThat(out.sizes()).containsExactly(1, 2, 3);
        assertThat(out.embeddingsView()).containsExactly(5, 5, 2, 0, 0, 7f / 3);
        assertThat(out.origin()).containsExactly(0, 1, 2, 2, 1, 2);

        // The code's contextual token: target + plain mean of the others, (1,0)+(3,0) and (0,1)+mean((0,2),(0,4)).
        TokenSet plus = new VisionZip(1, 2, "cls", 23).apply(in, ctx);
        assertThat(plus.origin()).containsExactly(0, 1, 2, 2, 1, 2);
        assertThat(plus.embeddingsView()).containsExactly(5, 5, 4, 0, 0, 4);
    }

    @Test
    void oneStageVisionDropEqualsVisionZip() {
        float[] e = new float[2 * 4 * 5 * 3];
        for (int i = 0; i < e.length; i++) {
            e[i] = (float) Math.sin(i * 1.7);
        }
        TokenSet in = TokenSet.fromGrid(e, 3, List.of(new FrameInfo(0, 4, 5, 70, 56, 0, -1),
                new FrameInfo(1, 4, 5, 70, 56, 0, -1)));
        float[] map = new float[40];
        for (int p = 0; p < map.length; p++) {
            map[p] = (p * 7 % 11) / 10f;
        }
        ReduceContext ctx = new ReduceContext(0, AttentionMaps.parse(Map.of("received@23", map)), null);

        TokenSet zip = new VisionZip(5, 3, null, "received", 23, SimilarityMetric.ON_EMBEDDINGS,
                ContextualMerge.Aggregation.MEAN).apply(in, ctx);
        TokenSet drop = new VisionDrop(new int[] {5}, new int[] {3}, "received", new int[] {23}).apply(in, ctx);

        assertThat(drop).isEqualTo(zip);
        assertThat(zip.size()).isEqualTo(16);
    }
}
