package io.glimpse.server;

import io.glimpse.lm.AimLayerPruner;
import io.glimpse.lm.FastVLayerPruner;
import io.glimpse.lm.LayerPruner;
import io.glimpse.lm.ToDreLayerPruner;

import java.util.List;

/** The in-decoder pruning methods a request may name, each with its reference defaults (as {@code glimpse ask}). */
final class LlmPruning {
    static final List<String> NAMES = List.of("fastv", "aim", "todre");

    private LlmPruning() {
    }

    /** The pruner of visual rows [start, start + count) of a decoder with {@code layers} layers. */
    static LayerPruner create(String name, int layers, int start, int count) {
        return switch (name) {
            case "fastv" -> FastVLayerPruner.defaults(start, count);
            case "aim" -> AimLayerPruner.defaults(layers, start, count);
            case "todre" -> ToDreLayerPruner.defaults(layers, start, count);
            default -> throw new IllegalArgumentException("no in-LLM pruning method '" + name + "'");
        };
    }
}
