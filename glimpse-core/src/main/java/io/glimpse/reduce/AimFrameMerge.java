package io.glimpse.reduce;

import io.glimpse.tokens.TokenSet;

import java.util.Arrays;

/**
 * Merges similar tokens within each frame, never across frames: AIM's stage A before the LLM (Zhong et al., "AIM:
 * Adaptive Inference of Multi-Modal LLMs via Token Merging and Pruning", ICCV 2025). Bipartite rounds halve a frame
 * (r₁ = ⌊N₀/2⌋, r₂ = ⌊N₀/4⌋, …) until it reaches its share of {@code keep} (default 0.25) or {@code k},
 * apportioned by token count with at least one per frame. Unlike AIM's code, merges are size-weighted and
 * spatial order is kept; AIM's 2×2 pooling beforehand is a separate stage.
 */
public final class AimFrameMerge implements Reducer {
    public static final String NAME = "aim";

    public static final ReducerMethod METHOD = ReducerMethod.of(NAME, Site.POOLED,
            "AIM per-frame iterative bipartite merging (halving rounds), frames never mixed",
            spec -> new AimFrameMerge(spec.budget()),
            ParamDef.keep(0.25),
            ParamDef.count());

    private final Budget budget;

    public AimFrameMerge(Budget budget) {
        if (budget.kind() == Budget.Kind.REMOVE) {
            throw new IllegalArgumentException(NAME + ": takes keep= or k=, not r=");
        }
        this.budget = budget;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public TokenSet apply(TokenSet in, ReduceContext ctx) {
        ReduceChecks.requireFinite(NAME, in);
        int total = budget.target(in.size(), NAME);
        int[] perFrame = new int[in.frameCount()];
        for (int t = 0; t < in.size(); t++) {
            perFrame[in.frame(t)]++;
        }
        int[] nonEmpty = Arrays.stream(perFrame).filter(c -> c > 0).toArray();
        int[] share = Budget.apportion(total, nonEmpty, NAME);
        int[] target = new int[perFrame.length];
        for (int f = 0, i = 0; f < perFrame.length; f++) {
            if (perFrame[f] > 0) {
                target[f] = share[i++];
            }
        }
        return BipartiteMatching.mergeToTargets(in, TokenSet::tokenFrames, target, NAME);
    }
}
