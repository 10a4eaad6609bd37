package io.glimpse.reduce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.glimpse.tokens.AttentionMaps;
import io.glimpse.tokens.FrameInfo;
import io.glimpse.tokens.TokenSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Glimpse's defaults against the papers' own code on the same inputs: selections and merged rows from
 * facebookresearch/ToMe, dvlab-research/VisionZip and Danielement321/HiPrune, run by
 * fixtures/parity/make_parity.py. A case whose reference met an exact tie at a cut is marked and only checked for
 * size, since either choice is the reference's.
 */
class ParityTest {
    private static final int LAYER = 23;
    private static JsonNode root;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = ParityTest.class.getResourceAsStream("/fixtures/parity/parity.json")) {
            root = new ObjectMapper().readTree(in);
        }
    }

    @Test
    void tomeGroupsAndMergedRowsEqualToMesOnTheSameKeys() {
        assertThat(root.get("tome")).hasSizeGreaterThanOrEqualTo(5);
        for (JsonNode c : root.get("tome")) {
            TokenSet out = tome(c, SimilarityMetric.KEYS);
            int n = c.get("n").asInt();
            assertThat(out.size()).isEqualTo(n - c.get("r").asInt());
            if (c.get("tieAtCut").asBoolean()) {
                continue;
            }
            List<Set<Integer>> expected = new ArrayList<>();
            c.get("groups").forEach(g -> expected.add(ints(g)));
            List<Set<Integer>> groups = groups(out);
            assertThat(new HashSet<>(groups)).as("case n=%d r=%d", n, c.get("r").asInt())
                    .isEqualTo(new HashSet<>(expected));
            float[] merged = floats(c.get("merged"));
            int d = c.get("dim").asInt();
            for (int t = 0; t < out.size(); t++) {
                int row = expected.indexOf(groups.get(t));
                for (int k = 0; k < d; k++) {
                    assertThat(out.embeddingsView()[t * d + k]).isCloseTo(merged[row * d + k], within(1e-5f));
                }
            }
        }
    }

    @Test
    void theIssuesSmallestToMeCaseKeepsTheClassTokenInTheAlternation() {
        JsonNode c = root.get("tome").get(5);
        assertThat(c.get("n").asInt()).isEqualTo(5);
        // CLS, p0..p3: ToMe groups {p0,p3} and {p1,p2}; taking the CLS out of the split would give {p0,p1,p2}{p3}.
        assertThat(new HashSet<>(groups(tome(c, SimilarityMetric.KEYS))))
                .isEqualTo(Set.of(Set.of(0), Set.of(1, 4), Set.of(2, 3)));
    }

    @Test
    void embeddingsAsTheMetricChangeToMesGroups() {
        boolean differs = false;
        for (JsonNode c : root.get("tome")) {
            differs |= !new HashSet<>(groups(tome(c, SimilarityMetric.EMBEDDINGS)))
                    .equals(new HashSet<>(groups(tome(c, SimilarityMetric.KEYS))));
        }
        assertThat(differs).as("the fixture's keys and tokens differ, so the metric must matter").isTrue();
    }

    @Test
    void visionZipDominantAndContextualTokensEqualTheCode() {
        assertThat(root.get("visionzip")).hasSizeGreaterThanOrEqualTo(3);
        for (JsonNode c : root.get("visionzip")) {
            int g = c.get("grid").asInt();
            int d = c.get("dim").asInt();
            int dominant = c.get("dominant").asInt();
            int contextual = c.get("contextual").asInt();
            TokenSet in = TokenSet.fromGrid(floats(c.get("patches")), d, List.of(new FrameInfo(0, g, g, g * 14, g * 14, 0, -1)));
            ReduceContext ctx = new ReduceContext(0, AttentionMaps.of(
                    Map.of(new AttentionMaps.Key(AttentionMaps.Kind.CLS, LAYER), floats(c.get("clsAttention"))),
                    Map.of(LAYER, floats(c.get("patchKeys"))), c.get("keyDim").asInt()), null);
            TokenSet out = new VisionZip(dominant, contextual, AttentionScores.CLS, LAYER).apply(in, ctx);
            assertThat(out.size()).isEqualTo(dominant + contextual);
            if (c.get("tieAtCut").asBoolean()) {
                continue;
            }
            Set<Integer> dominantPatches = ints(c.get("dominantPatches"));
            List<Integer> dominantTokens = new ArrayList<>();
            List<Integer> contextualTokens = new ArrayList<>();
            for (int t = 0; t < out.size(); t++) {
                int anchor = out.patchIndex(out.frame(t), out.row(t), out.col(t));
                (dominantPatches.contains(anchor) ? dominantTokens : contextualTokens).add(t);
            }
            assertThat(dominantTokens).hasSize(dominant);
            // The code's rows: dominant patches in index order, then contextual tokens in target order.
            List<Integer> order = new ArrayList<>(dominantTokens);
            order.addAll(contextualTokens);
            float[] expected = floats(c.get("output"));
            for (int i = 0; i < order.size(); i++) {
                for (int k = 0; k < d; k++) {
                    assertThat(out.embeddingsView()[order.get(i) * d + k]).as("grid %d row %d", g, i)
                            .isCloseTo(expected[i * d + k], within(1e-5f));
                }
            }
        }
    }

    @Test
    void hiPruneKeepsThePatchesTheCodeKeeps() {
        assertThat(root.get("hiprune")).hasSizeGreaterThanOrEqualTo(4);
        boolean clampMattered = false;
        for (JsonNode c : root.get("hiprune")) {
            int object = c.get("objectLayer").asInt();
            int deep = c.get("deepLayer").asInt();
            // The object layer may be the deep one (one map then).
            Map<AttentionMaps.Key, float[]> maps = new java.util.HashMap<>();
            maps.put(new AttentionMaps.Key(AttentionMaps.Kind.GLOBAL, object), floats(c.get("objectGlobal")));
            maps.put(new AttentionMaps.Key(AttentionMaps.Kind.GLOBAL, deep), floats(c.get("deepGlobal")));
            ReduceContext ctx = new ReduceContext(0, AttentionMaps.of(maps), null);
            TokenSet in = TokenSet.fromGrid(new float[576], 1, List.of(new FrameInfo(0, 24, 24, 336, 336, 0, -1)));
            Budget budget = Budget.count(c.get("retention").asInt());
            double alpha = c.get("alpha").asDouble();
            TokenSet out = new HiPrune(budget, alpha, AttentionScores.GLOBAL, object, deep, 4, true).apply(in, ctx);
            assertThat(out.size()).isEqualTo(c.get("retention").asInt());
            if (c.get("tieAtCut").asBoolean()) {
                continue;
            }
            assertThat(kept(out)).as("retention %d alpha %s", c.get("retention").asInt(), alpha)
                    .isEqualTo(new TreeSet<>(ints(c.get("kept"))));
            TokenSet skipping = new HiPrune(budget, alpha, AttentionScores.GLOBAL, object, deep, 4, false).apply(in, ctx);
            clampMattered |= !kept(skipping).equals(kept(out));
        }
        assertThat(clampMattered).as("some case puts anchors on the border").isTrue();
    }

    private static TokenSet tome(JsonNode c, String metric) {
        int n = c.get("n").asInt();
        int d = c.get("dim").asInt();
        TokenSet in = TokenSet.fromGrid(floats(c.get("tokens")), d, List.of(new FrameInfo(0, 1, n, n * 14, 14, 0, -1)));
        ReduceContext ctx = new ReduceContext(0, AttentionMaps.of(Map.of(), Map.of(LAYER, floats(c.get("keys"))),
                c.get("keyDim").asInt()), null);
        boolean cls = c.get("classToken").asBoolean();
        return new BipartiteMerge(Budget.remove(c.get("r").asInt()), cls ? 1 : 0, true,
                SimilarityMetric.of(metric, LAYER)).apply(in, ctx);
    }

    /** Per output token, the original patches it stands for. */
    private static List<Set<Integer>> groups(TokenSet out) {
        List<Set<Integer>> g = new ArrayList<>();
        for (int t = 0; t < out.size(); t++) {
            g.add(new TreeSet<>());
        }
        for (int p = 0; p < out.patchCount(); p++) {
            g.get(out.origin(p)).add(p);
        }
        return g;
    }

    private static TreeSet<Integer> kept(TokenSet out) {
        TreeSet<Integer> s = new TreeSet<>();
        for (int t = 0; t < out.size(); t++) {
            s.add(out.patchIndex(out.frame(t), out.row(t), out.col(t)));
        }
        return s;
    }

    private static Set<Integer> ints(JsonNode a) {
        Set<Integer> s = new TreeSet<>();
        a.forEach(v -> s.add(v.asInt()));
        return s;
    }

    private static float[] floats(JsonNode a) {
        float[] f = new float[a.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) a.get(i).asDouble();
        }
        return f;
    }
}
