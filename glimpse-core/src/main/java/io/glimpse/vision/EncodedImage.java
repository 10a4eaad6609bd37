package io.glimpse.vision;

import io.glimpse.tokens.AttentionMaps;
import io.glimpse.tokens.TokenSet;
import io.glimpse.tokens.VisualTokens;

/**
 * One image through a vision tower, in the form reducers take, with the raw pass.
 *
 * @param tokens    one token per patch (or per ToMe group), one frame whose grid is the tower's patch grid
 * @param attention per-patch attention maps indexed by original patch
 * @param output    the raw pass, including the CLS row where the family has one
 */
public record EncodedImage(TokenSet tokens, AttentionMaps attention, VisionOutput output) {
    /** Tokens and attention in the form reductions take (and TokenFile writes). */
    public VisualTokens visual() {
        return new VisualTokens(tokens, attention);
    }
}
