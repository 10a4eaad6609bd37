package io.glimpse.reduce;

import io.glimpse.tokens.AttentionMaps;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glimpse.tokens.FrameInfo;
import io.glimpse.tokens.TokenSet;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class ReducerBadInputTest {
    private static final List<Supplier<Reducer>> ATTENTION_REDUCERS = List.of(
            () -> new FastVPrune(Budget.keep(0.5), "received", 23),
            () -> new HiPrune(Budget.keep(0.5), 0.1, "received", 9, 23, 4, true),
            () -> new VisionZip(2, 1, "cls", 23),
            () -> new VisionDrop(new int[] {2}, new int[] {1}, "received", new int[] {23}));

    private static TokenSet tokens(float... values) {
        return TokenSet.fromGrid(values, 1, List.of(new FrameInfo(0, 2, 3, 42, 28, 0, -1)));
    }

    private static ReduceContext maps(int length) {
        float[] m = new float[length];
        return new ReduceContext(0, AttentionMaps.parse(Map.of("received@9", m, "received@23", m, "cls@23", m)), null);
    }

    @Test
    void nonFiniteEmbeddingsAreRejected() {
        List<Supplier<Reducer>> all = new java.util.ArrayList<>(ATTENTION_REDUCERS);
        all.add(() -> new MatryoshkaPool(2));
        all.add(() -> new AdaptivePool(1, 1));
        for (Supplier<Reducer> r : all) {
            for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY}) {
                assertThatThrownBy(() -> r.get().apply(tokens(0, 1, 2, bad, 4, 5), maps(6)))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("token 3").hasMessageContaining("non-finite");
            }
        }
    }

    @Test
    void missingWrongLengthOrNonFiniteAttentionMapsAreNamed() {
        TokenSet in = tokens(0, 1, 2, 3, 4, 5);
        for (Supplier<Reducer> r : ATTENTION_REDUCERS) {
            assertThatThrownBy(() -> r.get().apply(in, ReduceContext.defaults()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("@").hasMessageContaining("of length 6");
            assertThatThrownBy(() -> r.get().apply(in, maps(5)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("has length 5, expected 6");
            float[] nan = new float[6];
            nan[2] = Float.NaN;
            assertThatThrownBy(() -> r.get().apply(in, new ReduceContext(0,
                    AttentionMaps.parse(Map.of("received@9", nan, "received@23", nan, "cls@23", nan)), null)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN at patch 2");
        }
    }

    @Test
    void budgetsOfZeroOrAboveTheTokenCountAreRejected() {
        TokenSet in = tokens(0, 1, 2, 3, 4, 5);
        List<Runnable> bad = List.of(
                () -> Reducers.create("fastv:keep=0"),
                () -> Reducers.create("fastv:k=7").apply(in, maps(6)),
                () -> Reducers.create("hiprune:keep=1.01"),
                () -> Reducers.create("hiprune:k=7").apply(in, maps(6)),
                () -> Reducers.create("visionzip:k=7").apply(in, maps(6)),
                () -> Reducers.create("visiondrop:k=7").apply(in, maps(6)),
                () -> new HiPrune(Budget.keep(0.5), 0.1, "received", 9, 23, 6, true),
                () -> Reducers.create("hiprune:neighbours=6"),
                () -> new VisionZip(0, 0, "cls", 23),
                () -> new VisionZip(5, 2, "cls", 23).apply(in, maps(6)),
                () -> new VisionDrop(new int[] {4}, new int[] {3}, "received", new int[] {23}).apply(in, maps(6)),
                () -> new MatryoshkaPool(0),
                () -> new MatryoshkaPool(3).apply(in, ReduceContext.defaults()),
                () -> new AdaptivePool(0, 1),
                () -> new AdaptivePool(3, 1).apply(in, ReduceContext.defaults()),
                () -> new FastVPrune(Budget.keep(0.5), "mean", 23),
                () -> Reducers.create("fastv:layer=0"));
        for (Runnable r : bad) {
            assertThatThrownBy(r::run).isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("null");
        }
    }

    @Test
    void perFrameBudgetErrorNamesTheFrame() {
        assertThatThrownBy(() -> new VisionZip(5, 2, "cls", 23).apply(tokens(0, 1, 2, 3, 4, 5), maps(6)))
                .hasMessage("visionzip: keeps 5 dominant + 2 contextual tokens in frame 0 but it has only 6 tokens");
    }
}
