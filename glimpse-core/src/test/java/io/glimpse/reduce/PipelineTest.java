package io.glimpse.reduce;

import io.glimpse.tokens.TokenSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PipelineTest {
    private static final ReduceContext CTX = ReduceContext.defaults();

    private static TokenSet hundred() {
        return Fixtures.generate(4, 5, 5, 6, Fixtures.Content.RANDOM, false, 11);
    }

    @Test
    void runsStagesInOrderAndReportsEach() {
        Pipeline.Result r = Pipeline.of("tome:keep=0.5 > kcenter:k=10 > evs:rate=0").run(hundred(), CTX);
        List<StageReport> s = r.stages();
        assertThat(s).extracting(StageReport::method).containsExactly("tome", "kcenter", "evs");
        assertThat(s).extracting(StageReport::index).containsExactly(0, 1, 2);
        assertThat(s).extracting(StageReport::stage).containsExactly("tome:keep=0.5", "kcenter:k=10", "evs:rate=0");
        assertThat(s).extracting(StageReport::tokensIn).containsExactly(100, 50, 10);
        assertThat(s).extracting(StageReport::tokensOut).containsExactly(50, 10, 10);
        assertThat(s).allSatisfy(rep -> assertThat(rep.nanos()).isNotNegative());
        assertThat(r.tokens()).isEqualTo(Reducers.create("kcenter:k=10").apply(Reducers.create("tome:keep=0.5").apply(hundred(), CTX), CTX));
    }

    @Test
    void freeStagesSplitTheFinalBudgetGeometrically() {
        Pipeline.Result r = Pipeline.of("tome > kcenter").withFinalBudget(10).run(hundred(), CTX);
        assertThat(r.stages()).extracting(StageReport::stage).containsExactly("tome:k=32", "kcenter:k=10");
        Pipeline.Result three = Pipeline.of("tome > tmerge > aim > kcenter").withFinalBudget(8).run(hundred(), CTX);
        assertThat(three.stages().get(0).stage()).isEqualTo("tome:k=44");
        assertThat(three.tokens().size()).isEqualTo(8);
    }

    @Test
    void laterKeepFractionsAreLeftRoomFor() {
        Pipeline.Result r = Pipeline.of("kmedoids:k=60 > tome > kcenter:keep=0.3").withFinalBudget(10).run(hundred(), CTX);
        assertThat(r.stages()).extracting(StageReport::stage)
                .containsExactly("kmedoids:k=60", "tome:k=34", "kcenter:keep=0.3");
        assertThat(r.tokens().size()).isEqualTo(10);
    }

    @Test
    void aFinalBudgetNeedsAStageFreeToMeetIt() {
        assertThatThrownBy(() -> Pipeline.of("tome:keep=0.5 > evs").withFinalBudget(10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("a final budget needs a stage");
        assertThatThrownBy(() -> Pipeline.of("tome > kcenter:k=5").withFinalBudget(10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("stage 'kcenter:k=5' fixes its own token count");
        assertThatThrownBy(() -> Pipeline.of("tome").withFinalBudget(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1");
    }

    @Provide
    Arbitrary<String> pipelines() {
        return Arbitraries.of("tome", "aim", "kcenter", "kmedoids", "vqtoken", "tmerge", "evs:rate=0.3",
                        "tome:keep=0.7", "kcenter:keep=0.9", "kcenter:variant=maxsum")
                .list().ofMinSize(1).ofMaxSize(4).map(l -> String.join(" > ", l) + " > kcenter");
    }

    @Property(tries = 100)
    void theOutputNeverExceedsTheFinalBudget(@ForAll("pipelines") String spec,
                                              @ForAll @IntRange(min = 4, max = 100) int budget) {
        TokenSet out = Pipeline.of(spec).withFinalBudget(budget).apply(hundred(), CTX);
        assertThat(out.size()).isLessThanOrEqualTo(budget);
    }
}
