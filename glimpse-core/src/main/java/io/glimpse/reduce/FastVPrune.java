package io.glimpse.reduce;

import io.glimpse.tokens.AttentionMaps;
import io.glimpse.tokens.TokenSet;
import java.util.Arrays;

/**
 * Keeps the tokens that receive the most attention and drops the rest, over all frames together.
 * FastV (Chen et al., "An Image is Worth 1/2 Tokens After Layer 2", ECCV 2024) ranks visual tokens inside the LLM
 * at layer K (paper K=2, R=50% dropped); its code ranks by the last prompt token's attention, the paper by attention
 * received from all tokens. This is the encoder-space variant: map {@code received@layer} (or {@code cls@layer}).
 * Parameters: {@code keep} (default 0.5) or {@code k}, over all frames; {@code score} kind (default received);
 * {@code layer} (default 23, CLIP-L's penultimate). Output keeps (frame,row,col) order and carries the scores.
 */
public final class FastVPrune implements Reducer {
    public static final String NAME = "fastv";
    public static final double DEFAULT_KEEP = 0.5;
    public static final String DEFAULT_SCORE = AttentionScores.RECEIVED;
    public static final int DEFAULT_LAYER = AttentionScores.PENULTIMATE_CLIP_L;

    public static final ReducerMethod METHOD = ReducerMethod.of(NAME, Site.ENCODER,
            "FastV: keep the tokens that receive the most attention, over all frames",
            spec -> new FastVPrune(spec.budget(), spec.choice("score"), spec.integer("layer")),
            ParamDef.keep(DEFAULT_KEEP),
            ParamDef.count(),
            AttentionScores.scoreParam(DEFAULT_SCORE),
            AttentionScores.layerParam("layer", DEFAULT_LAYER, "encoder block whose attention ranks the tokens"));

    private final Budget budget;
    private final AttentionMaps.Key key;

    public FastVPrune(Budget budget, String score, int layer) {
        this.budget = budget;
        this.key = AttentionScores.key(score, layer);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public AttentionMaps.Request needs() {
        return new AttentionMaps.Request(java.util.Set.of(key.block()), java.util.Set.of());
    }

    /** The attention map this instance reads. */
    public AttentionMaps.Key attentionKey() {
        return key;
    }

    @Override
    public TokenSet apply(TokenSet in, ReduceContext ctx) {
        ReduceChecks.requireTokens(name(), in);
        ReduceChecks.requireFinite(name(), in);
        float[] score = AttentionScores.perToken(name(), in, ctx, key);
        int k = budget.target(in.size(), NAME);
        int[] all = new int[in.size()];
        Arrays.setAll(all, t -> t);
        int[] kept = ReduceChecks.topK(score, all, k);
        Arrays.sort(kept);
        float[] keptScores = new float[k];
        for (int i = 0; i < k; i++) {
            keptScores[i] = score[kept[i]];
        }
        return in.select(kept, keptScores);
    }
}
