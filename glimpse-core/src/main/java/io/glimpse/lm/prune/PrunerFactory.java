package io.glimpse.lm.prune;

import io.glimpse.lm.LayerPruner;

/** Makes an in-decoder pruner once the prompt's visual rows are placed. */
@FunctionalInterface
public interface PrunerFactory {
    /** The pruner of the visual rows [visualStart, visualStart + visualCount) of a decoder with that many layers. */
    LayerPruner create(int decoderLayers, int visualStart, int visualCount);
}
