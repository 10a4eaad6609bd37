package io.glimpse.reduce;

import io.glimpse.io.BadInputException;
import io.glimpse.tokens.AttentionMaps;
import io.glimpse.tokens.TokenSet;

/**
 * Reads the encoder's per-patch attention maps out of a {@link ReduceContext} and turns them into per-token scores.
 *
 * <p>Maps are keyed by kind and block ({@link AttentionMaps.Key}, spelled {@code kind@layer} in specs and files):
 * {@code cls@L} is CLS→patch attention of transformer block L (1-based, as papers
 * count: CLIP-L/14's penultimate block is 23) averaged over heads; {@code received@L} is the mean attention each
 * patch receives from the patch queries of block L, weighted by token size after in-encoder merging (the CLS query
 * is left out since its row is {@code cls@L} already; towers without CLS, such as SigLIP, average all queries);
 * {@code global@L} averages every query, the CLS included (HiPrune's global attention). A token's score is the mean of the map over the original patches it
 * represents, so a merged token is scored by its whole footprint and an untouched token by its own patch.
 */
public final class AttentionScores {
    /** Score kind for CLS→patch attention, as specs spell it. */
    public static final String CLS = AttentionMaps.Kind.CLS.spelling();
    /** Score kind for the mean attention a patch receives, as specs spell it. */
    public static final String RECEIVED = AttentionMaps.Kind.RECEIVED.spelling();
    /** Score kind for the mean attention a patch receives from every query, CLS included, as specs spell it. */
    public static final String GLOBAL = AttentionMaps.Kind.GLOBAL.spelling();
    /** Penultimate block of CLIP-L/14 (24 blocks), the layer LLaVA takes its features from. */
    public static final int PENULTIMATE_CLIP_L = 23;

    /** Largest layer number a spec may name; far beyond any encoder's depth. */
    public static final int MAX_LAYER = 1000;

    private AttentionScores() {
    }

    /** Name of the parameter every attention-ranked method takes; see {@link ReducerMethod#readsAttention}. */
    static final String SCORE_PARAM = "score";

    /** The spec parameter {@code score=cls|received}. */
    static ParamDef scoreParam(String defaultKind) {
        return ParamDef.choice(SCORE_PARAM, defaultKind, "attention map kind: cls = CLS->patch, received = mean received "
                + "from the patch queries, global = mean received from all queries, CLS included", CLS, RECEIVED, GLOBAL);
    }

    /** A spec parameter naming an encoder block, 1-based. */
    static ParamDef layerParam(String name, int defaultLayer, String help) {
        return ParamDef.integer(name, 1, MAX_LAYER, defaultLayer, help);
    }

    /** The map key for a score kind ({@link #CLS} or {@link #RECEIVED}, as specs spell it) at a block from 1. */
    public static AttentionMaps.Key key(String kind, int layer) {
        for (AttentionMaps.Kind k : AttentionMaps.Kind.values()) {
            if (k.spelling().equals(kind)) {
                return new AttentionMaps.Key(k, layer);
            }
        }
        // Specs are checked against the score choice before a reducer is built, so this is a caller's bug.
        throw new IllegalArgumentException("attention kind '" + kind + "' is not one of " + CLS + "|" + RECEIVED + "|" + GLOBAL);
    }

    /**
     * Per-token score: the mean of map {@code key} over the patches each token represents.
     *
     * @throws IllegalArgumentException when the map is missing, has the wrong length or holds NaN/Inf
     */
    public static float[] perToken(String method, TokenSet in, ReduceContext ctx, AttentionMaps.Key key) {
        float[] map = ctx.attention().get(key);
        int patches = in.patchCount();
        if (map == null) {
            throw new BadInputException(method + ": needs attention map '" + key + "' of length " + patches
                    + " (one value per original patch); the context has " + ctx.attention());
        }
        if (map.length != patches) {
            throw new BadInputException(method + ": attention map '" + key + "' has length " + map.length
                    + ", expected " + patches + " (one value per original patch)");
        }
        double[] sum = new double[in.size()];
        for (int p = 0; p < patches; p++) {
            if (!Float.isFinite(map[p])) {
                throw new BadInputException(method + ": attention map '" + key + "' holds " + map[p]
                        + " at patch " + p);
            }
            int t = in.origin(p);
            if (t >= 0) {
                sum[t] += map[p];
            }
        }
        float[] score = new float[in.size()];
        for (int t = 0; t < score.length; t++) {
            score[t] = (float) (sum[t] / in.tokenSize(t));
        }
        return score;
    }
}
