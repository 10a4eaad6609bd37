package io.glimpse.lm.prune;

import io.glimpse.io.BadInputException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The built-in in-decoder pruners with their reference defaults. Adding one = its {@link io.glimpse.lm.LayerPruner}
 * file with a {@code defaults(layers, start, count)} factory, plus one line below.
 */
public final class LayerPruners {
    private static final Map<String, PrunerMethod> METHODS = byName(
            new PrunerMethod("fastv", "after layer 2, keep the half of the visual rows the last token attends to most",
                    (layers, start, count) -> FastVLayerPruner.defaults(start, count)),
            new PrunerMethod("aim", "progressive from the middle layer, PageRank over sharpened attention",
                    AimLayerPruner::defaults),
            new PrunerMethod("todre", "drop all visual rows at a deep layer once text no longer attends to them",
                    ToDreLayerPruner::defaults));

    private LayerPruners() {
    }

    private static Map<String, PrunerMethod> byName(PrunerMethod... methods) {
        Map<String, PrunerMethod> m = new LinkedHashMap<>();
        for (PrunerMethod method : methods) {
            m.put(method.name(), method);
        }
        return m;
    }

    /**
     * The method of that name.
     *
     * @throws BadInputException listing the valid names when there is none
     */
    public static PrunerMethod method(String name) {
        PrunerMethod m = METHODS.get(name);
        if (m == null) {
            throw new BadInputException("unknown in-decoder pruner '" + name + "'; valid: " + String.join(", ", METHODS.keySet()));
        }
        return m;
    }

    public static List<PrunerMethod> methods() {
        return List.copyOf(METHODS.values());
    }
}
