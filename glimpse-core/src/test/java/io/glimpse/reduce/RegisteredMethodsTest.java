package io.glimpse.reduce;

import io.glimpse.tokens.AttentionMaps;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glimpse.tokens.FrameInfo;
import io.glimpse.tokens.TokenSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The registry's spec names and their canonical specs; budgets of the per-frame attention methods. */
class RegisteredMethodsTest {
    @Test
    void everyMethodIsRegisteredUnderItsSpecName() {
        assertThat(Reducers.registry().methods().stream().map(ReducerMethod::name)).contains("tome", "aim", "kcenter",
                "kmedoids", "tmerge", "evs", "vqtoken", "fastv", "hiprune", "visionzip", "visiondrop", "matryoshka",
                "adaptivepool", "tokenbridge", "fsq", "binary");
    }

    /** Every parameter set explicitly (budget: the keep form if any, else k) parses back to an equal stage. */
    @Test
    void everyMethodRoundTripsThroughItsCanonicalSpec() {
        for (ReducerMethod m : Reducers.registry().methods()) {
            Map<String, Object> values = new LinkedHashMap<>();
            boolean budgetGiven = false;
            for (ParamDef p : m.params()) {
                if (StageSpec.isBudgetParam(p.name())) {
                    if (!budgetGiven) {
                        values.put(p.name(), p.kind() == ParamDef.Kind.REAL ? (Object) 0.5 : (Object) 8);
                        budgetGiven = true;
                    }
                } else if (p.defaultValue() != null) {
                    values.put(p.name(), p.defaultValue());
                }
            }
            StageSpec full = new StageSpec(m, values);
            String canonical = full.toString();
            StageSpec parsed = PipelineSpec.parse(canonical).stages().get(0);
            assertThat(parsed).as(canonical).isEqualTo(full);
            assertThat(parsed.toString()).isEqualTo(canonical);
            assertThat(PipelineSpec.parse(m.name()).stages().get(0).toString()).isEqualTo(m.name());
            assertThat(Reducers.create(canonical).name()).isEqualTo(m.name());
        }
    }

    /** readsAttention is what decides whether an encoder records maps, so it must match what each method needs. */
    @Test
    void exactlyTheMethodsThatReadAttentionFailWithoutIt() {
        TokenSet in = frames(2, 16, 16, 3);
        for (ReducerMethod m : Reducers.registry().methods()) {
            String spec = m.budgeted() ? m.name() + ":k=8" : m.name();
            Reducer r = Reducers.create(spec);
            if (m.readsAttention()) {
                assertThatThrownBy(() -> r.apply(in, ReduceContext.defaults())).as(spec)
                        .hasMessageContaining("attention map");
            } else {
                assertThat(r.apply(in, ReduceContext.defaults()).size()).as(spec).isPositive();
            }
        }
        assertThat(Pipeline.of("tome:keep=0.5 > matryoshka").readsAttention()).isFalse();
        assertThat(Pipeline.of("tome:keep=0.5 > visionzip:k=8").readsAttention()).isTrue();
    }

    @Test
    void canonicalSpecsOfTheAttentionAndQuantizerMethods() {
        assertThat(spec("fastv:score=CLS,k=32")).isEqualTo("fastv:k=32,score=cls");
        assertThat(spec("hiprune:neighbours=8,deeplayer=22")).isEqualTo("hiprune:deeplayer=22,neighbours=8");
        assertThat(spec("visionzip:contextual=20,dominant=108")).isEqualTo("visionzip:dominant=108,contextual=20");
        assertThat(spec("tokenbridge:layout=gaussian,bins=16")).isEqualTo("tokenbridge:bins=16,layout=gaussian");
        assertThat(spec("binary:scale=dim")).isEqualTo("binary:scale=dim");
        assertThatThrownBy(() -> spec("fsq:levels=1")).hasMessageStartingWith("fsq: parameter levels");
        assertThatThrownBy(() -> spec("visionzip:score=mean")).hasMessageStartingWith("visionzip: parameter score");
    }

    private static String spec(String text) {
        return PipelineSpec.parse(text).toString();
    }

    private static TokenSet frames(int count, int h, int w, long seed) {
        Random rnd = new Random(seed);
        float[] e = new float[count * h * w * 3];
        for (int i = 0; i < e.length; i++) {
            e[i] = (float) rnd.nextGaussian();
        }
        List<FrameInfo> fi = new ArrayList<>();
        for (int f = 0; f < count; f++) {
            fi.add(new FrameInfo(f, h, w, w * 14, h * 14, 0, -1));
        }
        return TokenSet.fromGrid(e, 3, fi);
    }

    private static ReduceContext attention(TokenSet in, String key) {
        float[] m = new float[in.patchCount()];
        for (int p = 0; p < m.length; p++) {
            m[p] = (p * 37 % m.length) / (float) m.length;
        }
        return new ReduceContext(0, AttentionMaps.parse(Map.of(key, m)), null);
    }

    @Test
    void visionZipSplitsATotalBudgetOverFramesInTheRatio54To10() {
        TokenSet in = frames(2, 8, 8, 1);
        ReduceContext ctx = attention(in, "cls@23");
        // k=20 over two 64-token frames: 10 each, split round(10·54/64) = 8 dominant + 2 contextual.
        TokenSet budgeted = Reducers.create("visionzip:k=20").apply(in, ctx);
        TokenSet explicit = new VisionZip(8, 2, "cls", 23).apply(in, ctx);
        assertThat(budgeted).isEqualTo(explicit);
        assertThat(budgeted.size()).isEqualTo(20);
        // keep=0.5 of 128 = 64 in total: 32 a frame, split 27 + 5.
        assertThat(Reducers.create("visionzip:keep=0.5").apply(in, ctx))
                .isEqualTo(new VisionZip(27, 5, "cls", 23).apply(in, ctx));
    }

    @Test
    void visionDropRescalesItsScheduleSoTheLastStageMeetsTheBudget() {
        TokenSet in = frames(1, 8, 8, 2);
        ReduceContext ctx = attention(in, "received@23");
        // Schedule totals 49, 36, 26, 19 scaled by 10/19: 26, 19, 14, 10, each split in its stage's ratio:
        // 26·41/49 → 22+4, 19·30/36 → 16+3, 14·22/26 → 12+2, 10·16/19 → 8+2.
        TokenSet budgeted = Reducers.create("visiondrop:k=10").apply(in, ctx);
        TokenSet explicit = new VisionDrop(new int[] {22, 16, 12, 8}, new int[] {4, 3, 2, 2}, "received",
                new int[] {23, 23, 23, 23}).apply(in, ctx);
        assertThat(budgeted).isEqualTo(explicit);
        assertThat(budgeted.size()).isEqualTo(10);
    }

    @Test
    void perFrameBudgetsFollowTheFrameSizes() {
        TokenSet in = frames(3, 4, 4, 3);
        HiPrune hiprune = (HiPrune) Reducers.create("hiprune:k=10");
        assertThat(hiprune.frameBudgets(in)).containsExactly(4, 3, 3);
        TokenSet out = hiprune.apply(in, new ReduceContext(0, AttentionMaps.parse(Map.of("global@9", new float[48],
                "global@23", new float[48])), null));
        assertThat(Arrays.stream(out.tokenFrames()).filter(f -> f == 0).count()).isEqualTo(4);
        assertThat(out.size()).isEqualTo(10);
    }

    @Test
    void aPipelineFinalBudgetIsHandedToAnAttentionMethodAsACount() {
        TokenSet in = frames(2, 4, 4, 4);
        ReduceContext ctx = attention(in, "received@23");
        Pipeline.Result r = Pipeline.of("fastv > binary:scale=dim").withFinalBudget(7).run(in, ctx);
        assertThat(r.tokens().size()).isEqualTo(7);
        assertThat(r.stages().get(0).stage()).isEqualTo("fastv:k=7");
    }
}
