package io.glimpse.reduce;

import io.glimpse.io.BadInputException;
import io.glimpse.tokens.AttentionMaps;
import io.glimpse.tokens.TokenSet;

/**
 * Per frame, keeps the dominant tokens (top by CLS attention) and merges the rest into a few contextual tokens by
 * similarity. VisionZip (Yang et al., "VisionZip: Longer is Better but Not Necessary in VLMs", CVPR 2025).
 * Parameters: {@code dominant} 54, {@code contextual} 10 per frame (the paper's 64-token setting; 108+20 and 162+30
 * for 128/192); or a budget {@code keep}/{@code k} apportioned over the frames and split in the dominant:contextual
 * ratio (54:10 by default); {@code score} cls (received for CLS-less encoders such as SigLIP); {@code layer} 23
 * (CLIP-L's penultimate); {@code metric} keys (default, as the paper's code: head-mean keys of {@code layer} when the
 * encoder hands them, else embeddings) or embeddings; {@code aggregation} plus (default, the code's contextual token =
 * target + mean of the tokens merged into it) or mean (size-weighted mean of all, target included).
 * Departures from the code: it keeps the CLS token besides its dominant patches, here every kept token is a patch
 * (the CLS is not among the tokens); outputs stay in (frame,row,col) order rather than [dominant, contextual]. On the
 * same maps and keys the selections and contextual tokens equal the code's ({@code ParityTest}).
 */
public final class VisionZip implements Reducer {
    public static final String NAME = "visionzip";
    public static final int DEFAULT_DOMINANT = 54;
    public static final int DEFAULT_CONTEXTUAL = 10;
    public static final String DEFAULT_SCORE = AttentionScores.CLS;
    public static final int DEFAULT_LAYER = AttentionScores.PENULTIMATE_CLIP_L;

    public static final ReducerMethod METHOD = ReducerMethod.of(NAME, Site.ENCODER,
            "VisionZip: per frame, top tokens by attention stay, the rest merge into a few contextual tokens",
            spec -> new VisionZip(spec.integer("dominant"), spec.integer("contextual"),
                    spec.explicitBudget().orElse(null), spec.choice("score"), spec.integer("layer"),
                    SimilarityMetric.of(spec.choice(SimilarityMetric.PARAM), spec.integer("layer")),
                    ContextualMerge.Aggregation.parse(spec.choice(ContextualMerge.Aggregation.PARAM))),
            ParamDef.keep(null),
            ParamDef.count(),
            ParamDef.integer("dominant", 0, Integer.MAX_VALUE, DEFAULT_DOMINANT,
                    "dominant tokens per frame (with keep/k: their share of the budget is dominant:contextual)"),
            ParamDef.integer("contextual", 0, Integer.MAX_VALUE, DEFAULT_CONTEXTUAL, "contextual tokens per frame"),
            AttentionScores.scoreParam(DEFAULT_SCORE),
            AttentionScores.layerParam("layer", DEFAULT_LAYER, "encoder block whose attention ranks the tokens (and whose "
                    + "keys measure similarity)"),
            SimilarityMetric.param(),
            ContextualMerge.Aggregation.param(ContextualMerge.Aggregation.PLUS));

    private final int dominant;
    private final int contextual;
    private final Budget budget;
    private final AttentionMaps.Key key;
    private final SimilarityMetric metric;
    private final ContextualMerge.Aggregation aggregation;

    /** @param budget null to keep dominant + contextual tokens per frame, else the total to keep in their ratio */
    VisionZip(int dominant, int contextual, Budget budget, String score, int layer, SimilarityMetric metric,
              ContextualMerge.Aggregation aggregation) {
        if (dominant < 0 || contextual < 0 || dominant + contextual < 1) {
            throw new BadInputException(NAME + ": dominant and contextual must be >= 0 with a positive sum, got "
                    + dominant + " and " + contextual);
        }
        this.dominant = dominant;
        this.contextual = contextual;
        this.budget = budget;
        this.key = AttentionScores.key(score, layer);
        this.metric = metric;
        this.aggregation = aggregation;
    }

    /** The paper's defaults for the metric (keys of {@code layer} when held) and the contextual tokens. */
    public VisionZip(int dominant, int contextual, Budget budget, String score, int layer) {
        this(dominant, contextual, budget, score, layer, SimilarityMetric.of(SimilarityMetric.KEYS, layer),
                ContextualMerge.Aggregation.PLUS);
    }

    public VisionZip(int dominant, int contextual, String score, int layer) {
        this(dominant, contextual, null, score, layer);
    }

    @Override
    public AttentionMaps.Request needs() {
        return new AttentionMaps.Request(java.util.Set.of(key.block()), java.util.Set.of()).and(metric.needs());
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The attention map this instance reads. */
    public AttentionMaps.Key attentionKey() {
        return key;
    }

    @Override
    public TokenSet apply(TokenSet in, ReduceContext ctx) {
        return ContextualMerge.run(NAME, in, ctx, new int[] {dominant}, new int[] {contextual}, new AttentionMaps.Key[] {key},
                budget, metric, aggregation);
    }
}
