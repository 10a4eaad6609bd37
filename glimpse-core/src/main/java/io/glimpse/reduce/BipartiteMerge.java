package io.glimpse.reduce;

import io.glimpse.tokens.TokenSet;

/**
 * Merges the most similar tokens pairwise until the budget is met: ToMe's bipartite soft matching with
 * size-weighted averaging (Bolya et al., "Token Merging: Your ViT but Faster", ICLR 2023).
 * Parameters: {@code keep} (default 0.5), or {@code k}, or {@code r} merges in total. Differences from ToMe's code:
 * it matches on the token embeddings (ToMe uses the block's attention keys), protects no token, runs as many
 * ⌊n/2⌋-capped rounds as the budget needs, and keeps survivors in their original spatial order (ToMe outputs
 * unmerged sources then destinations; users asked for the order, ToMe issue #45).
 */
public final class BipartiteMerge implements Reducer {
    public static final String NAME = "tome";

    public static final ReducerMethod METHOD = ReducerMethod.of(NAME,
            "ToMe bipartite soft matching over all tokens, size-weighted merges, spatial order kept",
            spec -> new BipartiteMerge(spec.budget()),
            ParamDef.keep(0.5),
            ParamDef.count(),
            ParamDef.removals());

    private final Budget budget;

    public BipartiteMerge(Budget budget) {
        this.budget = budget;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public TokenSet apply(TokenSet in, ReduceContext ctx) {
        Similarity.requireFinite(in, NAME);
        int target = budget.target(in.size(), NAME);
        return BipartiteMatching.mergeToTargets(in, t -> new int[t.size()], new int[] {target}, NAME);
    }
}
