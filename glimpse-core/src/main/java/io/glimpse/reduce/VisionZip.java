package io.glimpse.reduce;

import io.glimpse.tokens.TokenSet;

/**
 * Per frame, keeps the dominant tokens (top by CLS attention) and merges the rest into a few contextual tokens by
 * similarity. VisionZip (Yang et al., "VisionZip: Longer is Better but Not Necessary in VLMs", CVPR 2025).
 * Parameters: dominant 54, contextual 10 (the paper's 64-token setting; 108+20 and 162+30 for 128/192), score kind
 * cls (received for CLS-less encoders such as SigLIP), layer 23 (CLIP-L's penultimate). The paper counts the CLS
 * token among the dominant ones and measures similarity on head-mean keys; here all dominant tokens are patches,
 * similarity is cosine on embeddings, and outputs stay in (frame,row,col) order rather than [dominant, contextual].
 */
public final class VisionZip implements Reducer {
    public static final int DEFAULT_DOMINANT = 54;
    public static final int DEFAULT_CONTEXTUAL = 10;
    public static final String DEFAULT_SCORE = AttentionScores.CLS;
    public static final int DEFAULT_LAYER = AttentionScores.PENULTIMATE_CLIP_L;

    private final int dominant;
    private final int contextual;
    private final String key;

    public VisionZip(int dominant, int contextual, String score, int layer) {
        if (dominant < 0 || contextual < 0 || dominant + contextual < 1) {
            throw new IllegalArgumentException("visionzip: dominant and contextual must be >= 0 with a positive sum, got "
                    + dominant + " and " + contextual);
        }
        this.dominant = dominant;
        this.contextual = contextual;
        this.key = AttentionScores.key(score, layer);
    }

    public VisionZip() {
        this(DEFAULT_DOMINANT, DEFAULT_CONTEXTUAL, DEFAULT_SCORE, DEFAULT_LAYER);
    }

    @Override
    public String name() {
        return "visionzip";
    }

    /** The attention map this instance reads. */
    public String attentionKey() {
        return key;
    }

    @Override
    public TokenSet apply(TokenSet in, ReduceContext ctx) {
        ReduceChecks.requireTokens(name(), in);
        ReduceChecks.requireFinite(name(), in);
        float[] score = AttentionScores.perToken(name(), in, ctx, key);
        return ContextualMerge.apply(name(), in, score, dominant, contextual);
    }
}
