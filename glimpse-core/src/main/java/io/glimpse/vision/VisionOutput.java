package io.glimpse.vision;

import io.glimpse.tokens.AttentionMaps;

import java.util.List;
import java.util.Map;

/**
 * The result of one pass of a vision tower over one image.
 *
 * @param tokens        rows of {@code features} (the encoder sequence at the feature layer, CLS first if any)
 * @param dim           hidden size
 * @param hasCls        row 0 of the sequence is the CLS token
 * @param features      tokens×dim, the selected hidden state (post-layernormed when asked)
 * @param hiddenStates  every hidden state up to the feature layer when asked, else empty; rows shrink under ToMe
 * @param attention     CLS→patch and received (mean over patch queries of the attention each patch receives) maps of
 *                      the blocks asked for, one value per original patch, averaged over heads
 * @param fullAttention block (from 1) → heads×tokens×tokens probabilities, when asked
 * @param patchToken    for each original patch (row-major), the row of {@code features} that represents it
 * @param tokenSizes    for each row of {@code features}, how many original tokens (CLS included) it stands for
 */
public record VisionOutput(int tokens, int dim, boolean hasCls, float[] features, List<float[]> hiddenStates,
                           AttentionMaps attention, Map<Integer, float[]> fullAttention, int[] patchToken,
                           int[] tokenSizes) {

    /** The CLS row of the features; only for families with a CLS token. */
    public float[] cls() {
        if (!hasCls) {
            throw new IllegalStateException("this tower has no CLS token");
        }
        return java.util.Arrays.copyOf(features, dim);
    }
}
