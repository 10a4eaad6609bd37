package io.glimpse.reduce;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PipelineSpecTest {

    @Test
    void parsesStagesParametersAndDefaults() {
        PipelineSpec spec = PipelineSpec.parse("  TOME : keep = 0.50 >kcenter:k=64,variant=MaxSum>evs ");
        assertThat(spec.stages()).hasSize(3);
        StageSpec tome = spec.stages().get(0);
        assertThat(tome.name()).isEqualTo("tome");
        assertThat(tome.values()).isEqualTo(Map.of("keep", 0.5));
        assertThat(tome.budget()).isEqualTo(Budget.keep(0.5));
        StageSpec kcenter = spec.stages().get(1);
        assertThat(kcenter.integer("k")).isEqualTo(64);
        assertThat(kcenter.choice("variant")).isEqualTo("maxsum");
        assertThat(kcenter.real("relevance")).as("default").isEqualTo(0.5);
        assertThat(spec.stages().get(2).real("rate")).as("default").isEqualTo(0.75);
        assertThat(spec).hasToString("tome:keep=0.5 > kcenter:k=64,variant=maxsum > evs");
    }

    @Test
    void canonicalTextParsesBackToAnEqualSpec() {
        PipelineSpec spec = PipelineSpec.parse("kmedoids:sigma=1e-3,frames=3,keep=.25 > vqtoken:maxk=40 > tmerge:threshold=-0.5");
        assertThat(spec.toString()).isEqualTo("kmedoids:keep=0.25,frames=3,sigma=0.001 > vqtoken:maxk=40 > tmerge:threshold=-0.5");
        assertThat(PipelineSpec.parse(spec.toString())).isEqualTo(spec);
    }

    @Test
    void unknownMethodsListTheValidOnes() {
        assertThatThrownBy(() -> PipelineSpec.parse("tome > hiprun:keep=0.3"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown reduction method 'hiprun'; valid methods: tome, aim, kcenter, kmedoids, tmerge, "
                        + "evs, vqtoken, fastv, hiprune, visionzip, visiondrop, matryoshka, adaptivepool, tokenbridge, "
                        + "fsq, binary");
    }

    @Test
    void unknownParametersListTheMethodsOwn() {
        assertThatThrownBy(() -> PipelineSpec.parse("kcenter:kk=3"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("kcenter: unknown parameter 'kk'; valid parameters: keep, k, variant, relevance");
        assertThatThrownBy(() -> PipelineSpec.parse("evs:k=3"))
                .hasMessage("evs: unknown parameter 'k'; valid parameters: rate");
    }

    @Test
    void malformedSpecsSayWhatIsWrong() {
        assertThatThrownBy(() -> PipelineSpec.parse(" ")).hasMessageStartingWith("empty pipeline spec");
        assertThatThrownBy(() -> PipelineSpec.parse("tome >")).hasMessage("stage 2 of the pipeline has no method name");
        assertThatThrownBy(() -> PipelineSpec.parse("tome:keep")).hasMessage("tome: expected key=value, got 'keep'");
        assertThatThrownBy(() -> PipelineSpec.parse("tome:")).hasMessage("tome: expected key=value, got ''");
        assertThatThrownBy(() -> PipelineSpec.parse("tome:keep=0.5,keep=0.4")).hasMessage("tome: parameter keep given twice");
        assertThatThrownBy(() -> PipelineSpec.parse("tome:keep=0.5,k=3")).hasMessage("tome: give at most one of keep, k, r (got keep, k)");
        assertThatThrownBy(() -> PipelineSpec.parse("tome:keep=NaN")).hasMessage("tome: parameter keep expects a number, got 'NaN'");
        assertThatThrownBy(() -> PipelineSpec.parse("tome:keep=1e400")).hasMessage("tome: parameter keep = Infinity is outside (0, 1]");
        assertThatThrownBy(() -> PipelineSpec.parse("tome:k=99999999999")).hasMessage("tome: parameter k = 99999999999 is outside [1, 2147483647]");
    }

    @Test
    void stagesBuiltInCodeAreCheckedLikeParsedOnes() {
        ReducerMethod tome = Reducers.registry().method("tome");
        assertThatThrownBy(() -> new StageSpec(tome, Map.of("keep", 2.0)))
                .hasMessage("tome: parameter keep = 2 is outside (0, 1]");
        assertThatThrownBy(() -> new StageSpec(tome, Map.of("x", 2.0)))
                .hasMessage("tome: unknown parameter 'x'; valid parameters: keep, k, r, protect, alternation, metric, layer");
        StageSpec withShare = new StageSpec(tome, Map.of("keep", 0.3)).withBudget(Budget.count(12));
        assertThat(withShare).hasToString("tome:k=12");
    }

    @Test
    void everyMethodDescribesItsParameters() {
        for (ReducerMethod m : Reducers.registry().methods()) {
            assertThat(m.describe()).startsWith(m.name() + " - ");
            for (ParamDef p : m.params()) {
                assertThat(m.describe()).contains("\n  " + p.name() + "=<");
            }
        }
        assertThat(Reducers.registry().method("evs").describe()).contains("rate=<[0, 1)> default 0.75");
    }

    @Test
    void listValuesJoinIntegersWithX() {
        StageSpec fsq = PipelineSpec.parse("FSQ:levels = 8X5 x5x5").stages().get(0);
        assertThat(fsq.integers("levels")).containsExactly(8, 5, 5, 5);
        assertThat(fsq).hasToString("fsq:levels=8x5x5x5");
        assertThat(PipelineSpec.parse("fsq").stages().get(0).integers("levels")).as("default").containsExactly(8, 5, 5, 5);
        assertThat(PipelineSpec.parse("fsq:levels=6").stages().get(0).integers("levels")).containsExactly(6);
        assertThatThrownBy(() -> PipelineSpec.parse("fsq:levels=8x"))
                .hasMessage("fsq: parameter levels expects integers joined by 'x' (e.g. 8x5x5x5), got '8x'");
        assertThatThrownBy(() -> PipelineSpec.parse("fsq:levels=8x0.5"))
                .hasMessage("fsq: parameter levels expects integers joined by 'x' (e.g. 8x5x5x5), got '8x0.5'");
        assertThatThrownBy(() -> PipelineSpec.parse("fsq:levels=8x1x5"))
                .hasMessage("fsq: parameter levels = 8x1x5 has 1, outside [2, 65536]");
        assertThatThrownBy(() -> PipelineSpec.parse("fsq:levels=8x99999999999"))
                .hasMessage("fsq: parameter levels = 99999999999 is outside [2, 65536]x...");
    }

    @Test
    void visionDropTakesItsScheduleAsListsOrAsALastStage() {
        VisionDrop listed = (VisionDrop) Reducers.create("visiondrop:dominant=42x30x22x16,contextual=6x5x4x3");
        assertThat(listed.dominant()).containsExactly(42, 30, 22, 16);
        assertThat(listed.contextual()).containsExactly(6, 5, 4, 3);
        VisionDrop geometric = (VisionDrop) Reducers.create("visiondrop:dominant=16,contextual=3");
        assertThat(geometric.dominant()).containsExactly(41, 30, 22, 16);
        assertThatThrownBy(() -> Reducers.create("visiondrop:dominant=42x30,contextual=6x5,stages=2"))
                .hasMessageContaining("visiondrop: stages and stagekeep shape a schedule from single counts");
        assertThatThrownBy(() -> Reducers.create("visiondrop:dominant=42x30,contextual=6"))
                .hasMessageContaining("dominant, contextual and layers need one entry per stage, got 2, 1 and 2");
    }
}
