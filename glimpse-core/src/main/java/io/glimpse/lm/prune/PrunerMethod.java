package io.glimpse.lm.prune;

import io.glimpse.lm.LayerPruner;

/**
 * An in-decoder pruning method by name with its reference defaults; {@link LayerPruners} lists the built-in ones.
 *
 * @param name    the name a command line gives (e.g. {@code fastv})
 * @param summary one line for help texts: what the reference defaults do
 */
public record PrunerMethod(String name, String summary, PrunerFactory factory) implements PrunerFactory {
    @Override
    public LayerPruner create(int decoderLayers, int visualStart, int visualCount) {
        return factory.create(decoderLayers, visualStart, visualCount);
    }
}
