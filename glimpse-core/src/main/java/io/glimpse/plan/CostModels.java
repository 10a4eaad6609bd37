package io.glimpse.plan;

import io.glimpse.io.BadInputException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/** The targets a budget can be counted in, by name: a budget is a token count in the target model's own tokens. */
public final class CostModels {
    private static final Map<String, Supplier<CostModel>> BY_NAME = registry();

    private CostModels() {
    }

    /** The cost model of a target; unknown names are an error that lists the valid ones. */
    public static CostModel forName(String name) {
        Supplier<CostModel> s = name == null ? null : BY_NAME.get(name.trim().toLowerCase(Locale.ROOT));
        if (s == null) {
            throw new BadInputException("unknown target '" + name + "'; valid targets: "
                    + String.join(", ", BY_NAME.keySet()));
        }
        return s.get();
    }

    public static Set<String> names() {
        return BY_NAME.keySet();
    }

    private static Map<String, Supplier<CostModel>> registry() {
        Map<String, Supplier<CostModel>> m = new LinkedHashMap<>();
        m.put("llava-onevision", LlavaOneVisionCost::new);
        m.put("llava-1.5", Llava15Cost::new);
        m.put("qwen2-vl", QwenVlCost::new);
        m.put("qwen2-vl-video", QwenVlVideoCost::new);
        m.put("gpt-4o", () -> new OpenAiTileCost(false));
        m.put("gpt-4o-low", () -> new OpenAiTileCost(true));
        m.put("claude", ClaudeCost::new);
        m.put("gemini", GeminiCost::new);
        m.put("gemini-video", () -> new GeminiVideoCost(false));
        m.put("gemini-video-low", () -> new GeminiVideoCost(true));
        return Collections.unmodifiableMap(m);
    }
}
