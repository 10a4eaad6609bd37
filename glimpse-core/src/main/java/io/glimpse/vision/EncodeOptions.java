package io.glimpse.vision;

import io.glimpse.io.BadInputException;
import io.glimpse.tokens.AttentionMaps;
import java.util.List;
import java.util.Set;

/**
 * What one pass of the vision tower computes and returns.
 *
 * @param layers          hidden_states indices of the features (0 = embeddings, L = output of the last of L layers,
 *                        negative counts from the end as in {@code vision_feature_layer}), several concatenated
 *                        along the feature dimension; null = the config's choice
 * @param postLayerNorm   apply post_layernorm to the feature rows (SmolVLM does, LLaVA does not)
 * @param attentionLayers transformer blocks (numbered from 1 as in AttentionScores, negative from the end: -1 is
 *                        the last) whose head-mean CLS→patch attention, mean attention received from the patch
 *                        queries and from all queries to return as {@code "cls@B"} / {@code "received@B"} /
 *                        {@code "global@B"}; blocks past the feature layer are run too; under ToMe each patch gets
 *                        an equal share of its merged token's value
 * @param keyLayers       blocks (numbered likewise) whose head-mean attention keys to return, one row per patch (a
 *                        merged token's row for each of its patches); ToMe's and VisionZip's similarity metric
 * @param fullAttention   also return every head's full probability map of those layers
 * @param allHiddenStates return every hidden state up to the feature layer, not only the features
 * @param tomeR           tokens merged per layer by ToMe inside the encoder (0 = none)
 */
public record EncodeOptions(List<Integer> layers, boolean postLayerNorm, Set<Integer> attentionLayers, Set<Integer> keyLayers,
                            boolean fullAttention, boolean allHiddenStates, int tomeR) {
    public EncodeOptions {
        layers = layers == null ? null : List.copyOf(layers);
        if (layers != null && layers.isEmpty()) {
            throw new BadInputException("feature layers must not be empty");
        }
        attentionLayers = Set.copyOf(attentionLayers);
        keyLayers = Set.copyOf(keyLayers);
        if (tomeR < 0) {
            throw new BadInputException("ToMe r must be non-negative, got " + tomeR);
        }
    }

    /** The config's feature layer, no post-layernorm, no attention, no merging. */
    public static EncodeOptions defaults() {
        return new EncodeOptions(null, false, Set.of(), Set.of(), false, false, 0);
    }

    public EncodeOptions withLayer(int newLayer) {
        return withLayers(List.of(newLayer));
    }

    public EncodeOptions withLayers(List<Integer> newLayers) {
        return new EncodeOptions(newLayers, postLayerNorm, attentionLayers, keyLayers, fullAttention, allHiddenStates, tomeR);
    }

    public EncodeOptions withPostLayerNorm(boolean on) {
        return new EncodeOptions(layers, on, attentionLayers, keyLayers, fullAttention, allHiddenStates, tomeR);
    }

    public EncodeOptions withAttention(Set<Integer> blocks, boolean full) {
        return new EncodeOptions(layers, postLayerNorm, blocks, keyLayers, full, allHiddenStates, tomeR);
    }

    /** Also the head-mean attention keys of {@code blocks}. */
    public EncodeOptions withKeys(Set<Integer> blocks) {
        return new EncodeOptions(layers, postLayerNorm, attentionLayers, blocks, fullAttention, allHiddenStates, tomeR);
    }

    /** The maps and key rows a pipeline asks for ({@link AttentionMaps.Request}). */
    public EncodeOptions with(AttentionMaps.Request request) {
        return new EncodeOptions(layers, postLayerNorm, request.maps(), request.keys(), fullAttention, allHiddenStates, tomeR);
    }

    public EncodeOptions withAllHiddenStates(boolean on) {
        return new EncodeOptions(layers, postLayerNorm, attentionLayers, keyLayers, fullAttention, on, tomeR);
    }

    public EncodeOptions withTome(int r) {
        return new EncodeOptions(layers, postLayerNorm, attentionLayers, keyLayers, fullAttention, allHiddenStates, r);
    }
}
