package io.glimpse.vision;

import io.glimpse.tokens.EncoderOutput;
import io.glimpse.tokens.TokenSet;

import java.util.Map;

/**
 * One image through a vision tower, in the form reducers take.
 *
 * @param tokens    one token per patch (or per ToMe group), one frame whose grid is the tower's patch grid
 * @param attention per-patch attention vectors for {@code ReduceContext.attention()} ({@code "cls@B"},
 *                  {@code "received@B"}, B = block from 1 as AttentionScores.key builds them), indexed by original patch
 * @param output    the raw pass, including the CLS row where the family has one
 */
public record EncodedImage(TokenSet tokens, Map<String, float[]> attention, VisionOutput output) {
    public EncodedImage {
        attention = Map.copyOf(attention);
    }

    /** Tokens and attention in the form the reduce and plan commands read (and TokenFile writes). */
    public EncoderOutput encoderOutput() {
        return new EncoderOutput(tokens, attention);
    }
}
