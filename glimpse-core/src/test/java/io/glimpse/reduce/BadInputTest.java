package io.glimpse.reduce;

import io.glimpse.tokens.AttentionMaps;
import io.glimpse.tokens.TokenSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every method refuses bad embeddings and impossible budgets with a one-line message naming itself. */
class BadInputTest {
    private static final ReduceContext CTX = ReduceContext.defaults();

    private static TokenSet withValue(float v) {
        TokenSet good = Fixtures.generate(2, 2, 2, 3, Fixtures.Content.RANDOM, false, 1);
        float[] e = good.embeddingsView().clone();
        e[13] = v;
        return TokenSet.fromGrid(e, 3, good.frames());
    }

    @ParameterizedTest
    @ValueSource(strings = {"tome", "aim", "kcenter", "kmedoids", "tmerge", "evs", "vqtoken"})
    void nonFiniteEmbeddingsAreRejected(String method) {
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            assertThatThrownBy(() -> Reducers.create(method).apply(withValue(bad), CTX))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith(method + ": token 4 has a non-finite embedding value")
                    .hasMessageNotContaining("\n");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tome", "aim", "kcenter", "kmedoids", "vqtoken"})
    void budgetsOfZeroOrAboveTheTokenCountAreRejected(String method) {
        TokenSet in = withValue(0.5f);
        assertThatThrownBy(() -> Reducers.create(method + ":k=9").apply(in, CTX))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(method + ": budget k=9 exceeds the 8 tokens it received");
        assertThatThrownBy(() -> Reducers.create(method + ":k=0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("k = 0 is outside [1, ");
        assertThatThrownBy(() -> Reducers.create(method + ":keep=0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keep = 0 is outside (0, 1]");
        assertThatThrownBy(() -> Reducers.create(method + ":keep=1.5"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keep = 1.5 is outside (0, 1]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"tome", "aim", "kcenter", "kmedoids", "vqtoken"})
    void anEmptyTokenSetHasNoBudgetToMeet(String method) {
        TokenSet empty = withValue(0.5f).select(new int[0], null);
        assertThatThrownBy(() -> Reducers.create(method + ":keep=0.5").apply(empty, CTX))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(method + ": received no tokens");
    }

    @ParameterizedTest
    @ValueSource(strings = {"tmerge", "evs"})
    void thresholdMethodsPassAnEmptyTokenSetThrough(String method) {
        TokenSet empty = withValue(0.5f).select(new int[0], null);
        assertThat(Reducers.create(method).apply(empty, CTX)).isEqualTo(empty);
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 9})
    void relevanceOfTheWrongLengthIsRejected(int length) {
        ReduceContext ctx = new ReduceContext(0, AttentionMaps.parse(Map.of()), new float[length]);
        assertThatThrownBy(() -> Reducers.create("kcenter:k=2").apply(withValue(0.5f), ctx))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("kcenter: relevance has " + length + " entries for 8 patches");
    }

    @ParameterizedTest
    @ValueSource(strings = {"tmerge:threshold=1.5", "evs:rate=1", "evs:rate=-0.1", "kmedoids:frames=0",
            "kmedoids:cluster=dbscan", "kcenter:variant=random", "vqtoken:iters=0", "tome:k=2.5", "tome:keep=abc"})
    void outOfRangeParametersAreRejectedAtParseTime(String spec) {
        assertThatThrownBy(() -> Reducers.create(spec))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(spec.substring(0, spec.indexOf(':')) + ": parameter ")
                .hasMessageNotContaining("\n");
    }
}
