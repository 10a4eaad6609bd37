package io.glimpse.plan;

import io.glimpse.io.BadInputException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How the planner chooses frames. */
public enum PlanMethod {
    /** {@link UniformSample}: evenly spaced frames at native resolution. */
    UNIFORM,
    /** {@link SceneRepresentatives}: typical frames of each scene, spread over scenes by duration. */
    SCENES,
    /** {@link KeyClipSelect}: short clips of consecutive frames, resolution traded for clip count. */
    CLIPS,
    /** {@link QuotaSelect}: per-frame shares of the budget by query relevance (QuoTA), each frame at the size its
     *  share pays for. */
    QUOTA;

    /** Lower-case name as used in specs and JSON. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code uniform|scenes|clips|quota}; anything else is an error listing the valid names. */
    public static PlanMethod parse(String s) {
        for (PlanMethod m : values()) {
            if (m.id().equals(s == null ? null : s.trim().toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new BadInputException("unknown plan method '" + s + "'; valid methods: "
                + Arrays.stream(values()).map(PlanMethod::id).collect(Collectors.joining(", ")));
    }
}
