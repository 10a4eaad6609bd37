package io.glimpse.reduce;

import io.glimpse.tokens.TokenSet;

import java.util.Arrays;

/**
 * Merges a token into the token at the same grid position in the previous frame when the two are nearly
 * identical, so static content spanning many frames becomes one token anchored at its first appearance:
 * B-VLLM's ordered temporal merge (Lu et al., "B-VLLM: A Vision Large Language Model with Balanced
 * Spatio-Temporal Tokens", ICCV 2025) applied per position instead of per selected frame. Parameter:
 * {@code threshold} (default 0.75): merge when cosine &gt; threshold. B-VLLM compares whole frame selections on a
 * cosine rescaled to [0,1]; this compares raw token cosines. Merged embeddings are size-weighted means, sizes add.
 */
public final class TemporalMerge implements Reducer {
    public static final String NAME = "tmerge";

    public static final ReducerMethod METHOD = ReducerMethod.of(NAME, Site.POOLED,
            "B-VLLM ordered merge of near-identical tokens at the same position in consecutive frames",
            spec -> new TemporalMerge(spec.real("threshold")),
            ParamDef.real("threshold", -1, 1, 0.75, "merge when the cosine to the previous frame's token exceeds this"));

    private final double threshold;

    public TemporalMerge(double threshold) {
        if (!(threshold >= -1 && threshold <= 1)) {
            throw new IllegalArgumentException(NAME + ": threshold must be in [-1, 1], got " + threshold);
        }
        this.threshold = threshold;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public TokenSet apply(TokenSet in, ReduceContext ctx) {
        float[] unit = Similarity.unitRows(in, NAME);
        int n = in.size();
        int[] group = new int[n];
        int[] anchor = new int[n];
        int groups = 0;
        for (int t = 0; t < n; t++) {
            int u = FrameAlignment.previousToken(in, t);
            if (u >= 0 && Similarity.cosine(unit, t, u, in.dim()) > threshold) {
                group[t] = group[u];
            } else {
                anchor[groups] = t;
                group[t] = groups++;
            }
        }
        return in.regroup(group, groups, Arrays.copyOf(anchor, groups));
    }
}
