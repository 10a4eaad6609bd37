package io.glimpse.reduce;

/**
 * Where in a LLaVA turn a reduction method acts, declared by each {@link ReducerMethod}. Models that pool their
 * visual tokens (LLaVA-OneVision video frames: 2×2 bilinear pooling after the projector) give the two sites
 * different tokens; where the model does not pool (images), both sites see the tower's tokens.
 */
public enum Site {
    /**
     * The tower's tokens, before the model's pooling: methods that read the encoder's attention maps, and poolers
     * that replace the model's own pooling. A reduced set is not pooled again; a set that still holds every patch
     * (a quantization round trip) is.
     */
    ENCODER,
    /** The rows the model would hand its decoder (projected and pooled), so a budget counts decoder rows. */
    POOLED
}
