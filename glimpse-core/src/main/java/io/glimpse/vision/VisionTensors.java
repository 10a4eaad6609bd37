package io.glimpse.vision;

import io.glimpse.tensor.WeightMatrix;

/**
 * Where a vision tower's tensors come from, named as transformers names them under {@code vision_model.}
 * ({@code embeddings.patch_embedding.weight}, {@code encoder.layers.N.self_attn.q_proj.weight}, …): a safetensors
 * checkpoint ({@link TensorLoader}) or a llama.cpp mmproj GGUF file ({@link GgufVision}), which stores the same
 * tensors under its own names. The tower itself is built once from whichever source it is given.
 */
public interface VisionTensors {
    /** The tensor as floats, checked against {@code shape}; a missing or misshapen tensor is bad input. */
    float[] load(String shortName, long... shape);

    /**
     * The [rows × cols] weight matrix as stored (a view of the mapped file, no heap copy); a missing or misshapen
     * tensor, or one in a type the kernels do not read, is bad input.
     */
    WeightMatrix matrix(String shortName, int rows, int cols);

    /** Whether the source holds the tensor. */
    boolean has(String shortName);

    /** The file that messages name. */
    Object input();
}
