package io.glimpse.reduce;

import io.glimpse.io.BadInputException;
import io.glimpse.tokens.AttentionMaps;
import io.glimpse.tokens.TokenSet;

import java.util.Arrays;

/**
 * Merges the most similar tokens pairwise until the budget is met: ToMe's bipartite soft matching with
 * size-weighted averaging (Bolya et al., "Token Merging: Your ViT but Faster", ICLR 2023).
 * Parameters: {@code keep} (default 0.5), or {@code k}, or {@code r} merges in total; {@code protect} leading tokens
 * never merge (default 0; ToMe protects CLS); {@code alternation}: {@code reference} (default, ToMe's code,
 * {@code tome/merge.py} with {@code class_token=True}) keeps one protected token inside the A/B split, in source
 * slot 0 with its scores −∞, so tokens 1, 3, 5 … are sources; {@code aside} (Glimpse's earlier rule) takes the
 * protected tokens out of the split, so the alternation starts at the first unprotected token and any number of
 * tokens may be protected; {@code metric}: {@code keys} (default, as ToMe's code: {@code k.mean(1)} of the block) are
 * the head-mean attention keys of encoder block {@code layer} (default 23, CLIP-L's penultimate) when the encoder hands
 * them, else the embeddings, which {@code metric=embeddings} always uses. Departures from ToMe's code: it runs as many
 * ⌊n/2⌋-capped rounds as the budget needs on one block's keys (ToMe merges r per block, each block on its own keys;
 * here a merged token's key is the mean of its patches' keys), and survivors stay in spatial order, which also sets
 * the alternation of later rounds (ToMe outputs unmerged sources, then destinations; users asked for the order, ToMe
 * issue #45). One round with {@code protect=1} selects exactly ToMe's groups ({@code ParityTest}).
 */
public final class BipartiteMerge implements Reducer {
    public static final String NAME = "tome";

    public static final ReducerMethod METHOD = ReducerMethod.of(NAME, Site.POOLED,
            "ToMe bipartite soft matching over all tokens, size-weighted merges, spatial order kept",
            spec -> new BipartiteMerge(spec.budget(), spec.integer("protect"), spec.choice("alternation").equals("reference"),
                    SimilarityMetric.of(spec.choice(SimilarityMetric.PARAM), spec.integer("layer"))),
            ParamDef.keep(0.5),
            ParamDef.count(),
            ParamDef.removals(),
            ParamDef.integer("protect", 0, Integer.MAX_VALUE, 0, "leading tokens (e.g. CLS) that never merge"),
            ParamDef.choice("alternation", "reference", "reference = a protected CLS keeps source slot 0 of the A/B "
                    + "split (ToMe's code); aside = protected tokens leave the split", "reference", "aside"),
            SimilarityMetric.param(),
            AttentionScores.layerParam("layer", AttentionScores.PENULTIMATE_CLIP_L,
                    "encoder block whose attention keys measure similarity (metric=keys)"));

    private final Budget budget;
    private final int protect;
    private final boolean inAlternation;
    private final SimilarityMetric metric;

    /**
     * @param inAlternation the protected token stays in source slot 0 of the A/B split (ToMe's code)
     * @param metric        what similarity is measured on
     */
    BipartiteMerge(Budget budget, int protect, boolean inAlternation, SimilarityMetric metric) {
        if (protect < 0) {
            throw new IllegalArgumentException(NAME + ": protect must be ≥ 0, got " + protect);
        }
        if (inAlternation && protect > 1) {
            throw new BadInputException(NAME + ": alternation=reference keeps one protected token (the CLS) in the "
                    + "A/B split; protect=" + protect + " needs alternation=aside");
        }
        this.budget = budget;
        this.protect = protect;
        this.inAlternation = inAlternation;
        this.metric = metric;
    }

    /** Matching on embeddings, as {@code metric=embeddings}. */
    public BipartiteMerge(Budget budget, int protect, boolean inAlternation) {
        this(budget, protect, inAlternation, SimilarityMetric.ON_EMBEDDINGS);
    }

    @Override
    public AttentionMaps.Request needs() {
        return metric.needs();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public TokenSet apply(TokenSet in, ReduceContext ctx) {
        ReduceChecks.requireFinite(NAME, in);
        int target = budget.target(in.size(), NAME);
        int guarded = Math.min(protect, in.size());
        if (target < guarded) {
            throw new BadInputException(NAME + ": budget of " + target + " tokens is below the " + guarded
                    + " protected ones");
        }
        if (inAlternation && guarded == 1) {
            return BipartiteMatching.mergeToTargets(in, t -> new int[t.size()], new int[] {target}, true, metric, ctx, NAME);
        }
        // Protected tokens come first in (frame,row,col) order and never merge, so they stay first every round.
        return BipartiteMatching.mergeToTargets(in, t -> partitions(t.size(), guarded), new int[] {target - guarded},
                false, metric, ctx, NAME);
    }

    private static int[] partitions(int n, int guarded) {
        int[] p = new int[n];
        Arrays.fill(p, 0, guarded, -1);
        return p;
    }
}
