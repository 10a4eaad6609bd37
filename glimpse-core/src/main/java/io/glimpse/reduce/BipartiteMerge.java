package io.glimpse.reduce;

import io.glimpse.io.BadInputException;
import io.glimpse.tokens.TokenSet;

import java.util.Arrays;

/**
 * Merges the most similar tokens pairwise until the budget is met: ToMe's bipartite soft matching with
 * size-weighted averaging (Bolya et al., "Token Merging: Your ViT but Faster", ICLR 2023).
 * Parameters: {@code keep} (default 0.5), or {@code k}, or {@code r} merges in total; {@code protect} leading tokens
 * never merge (default 0; ToMe protects CLS). Unlike ToMe's code it matches on embeddings, not attention keys, runs
 * as many ⌊n/2⌋-capped rounds as the budget needs, and keeps survivors in spatial order (ToMe outputs unmerged
 * sources then destinations; users asked for the order, ToMe issue #45).
 */
public final class BipartiteMerge implements Reducer {
    public static final String NAME = "tome";

    public static final ReducerMethod METHOD = ReducerMethod.of(NAME, Site.POOLED,
            "ToMe bipartite soft matching over all tokens, size-weighted merges, spatial order kept",
            spec -> new BipartiteMerge(spec.budget(), spec.integer("protect")),
            ParamDef.keep(0.5),
            ParamDef.count(),
            ParamDef.removals(),
            ParamDef.integer("protect", 0, Integer.MAX_VALUE, 0, "leading tokens (e.g. CLS) that never merge"));

    private final Budget budget;
    private final int protect;

    public BipartiteMerge(Budget budget, int protect) {
        if (protect < 0) {
            throw new IllegalArgumentException(NAME + ": protect must be ≥ 0, got " + protect);
        }
        this.budget = budget;
        this.protect = protect;
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
        // Protected tokens come first in (frame,row,col) order and never merge, so they stay first every round.
        return BipartiteMatching.mergeToTargets(in, t -> partitions(t.size(), guarded), new int[] {target - guarded},
                NAME);
    }

    private static int[] partitions(int n, int guarded) {
        int[] p = new int[n];
        Arrays.fill(p, 0, guarded, -1);
        return p;
    }
}
