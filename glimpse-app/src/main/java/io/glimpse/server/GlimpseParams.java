package io.glimpse.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.glimpse.io.BadInputException;
import io.glimpse.job.AskJob;
import io.glimpse.lm.prune.LayerPruners;
import io.glimpse.lm.prune.PrunerMethod;
import io.glimpse.plan.PlanMethod;
import io.glimpse.plan.PlanRequest;
import io.glimpse.reduce.Pipeline;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * The {@code glimpse} object of a chat request: how media become visual tokens and how the answer is decoded, the
 * options of {@code glimpse ask} parsed by the same registries ({@link PlanMethod}, {@link Pipeline},
 * {@link LayerPruners}, {@link AskJob.Positions}, {@link AskJob.Speculation}). Every field may be left out (null),
 * then the server's default applies ({@link #orElse}).
 *
 * @param frames     video frames sampled evenly when not planning
 * @param budget     with {@code plan} (or on a video without {@code reduce}): tokens the planned frames may cost;
 *                   otherwise the final budget of the reduction pipeline
 * @param plan       choose a video's frames with the planner under {@code budget}
 * @param method     planning method
 * @param fps        candidate frames per second for planning
 * @param dedup      planning's share of changed patches below which a frame repeats the last kept one
 * @param queryAware plan with the question as query, scored by the server's {@code --scorer}
 * @param reduce     reduction pipeline, each stage at its site
 * @param llmPruning in-decoder pruning
 * @param positions  position scheme of the visual rows
 * @param tcGamma    TC-LLaVA's weight of the temporal id (with {@code positions} tclava)
 * @param speculate  how tokens are decoded after the prefill
 */
public record GlimpseParams(Integer frames, Integer budget, Boolean plan, PlanMethod method, Double fps, Double dedup,
                            Boolean queryAware, Pipeline reduce, PrunerMethod llmPruning, AskJob.Positions positions,
                            Double tcGamma, AskJob.Speculation speculate) {
    public static final GlimpseParams NONE = new GlimpseParams(null, null, null, null, null, null, null, null, null, null,
            null, null);

    /** The fields {@link #parse} reads, in the order of the record. */
    static final List<String> FIELDS = List.of("frames", "budget", "plan", "method", "fps", "dedup", "query_aware",
            "reduce", "llm_pruning", "positions", "tc_gamma", "speculate");

    /** Reads and checks the object at {@code path} (a request's {@code glimpse}); a field not in {@link #FIELDS} is a 400. */
    public static GlimpseParams parse(JsonNode node, String path, int maxFrames) {
        if (node == null) {
            return NONE;
        }
        JsonFields.onlyKnown(node, path, FIELDS);
        GlimpseParams p = new GlimpseParams(
                JsonFields.integer(node, "frames", path + ".frames", 1, maxFrames),
                JsonFields.integer(node, "budget", path + ".budget", 1, Integer.MAX_VALUE),
                JsonFields.bool(node, "plan", path + ".plan"),
                method(JsonFields.text(node, "method", path + ".method"), path + ".method"),
                JsonFields.number(node, "fps", path + ".fps", Double.MIN_VALUE, 1000),
                JsonFields.number(node, "dedup", path + ".dedup", 0, 1),
                JsonFields.bool(node, "query_aware", path + ".query_aware"),
                reduce(JsonFields.text(node, "reduce", path + ".reduce"), path + ".reduce"),
                pruning(JsonFields.text(node, "llm_pruning", path + ".llm_pruning"), path + ".llm_pruning"),
                positions(JsonFields.text(node, "positions", path + ".positions"), path + ".positions"),
                JsonFields.number(node, "tc_gamma", path + ".tc_gamma", 0, 1000),
                speculation(JsonFields.text(node, "speculate", path + ".speculate"), path + ".speculate"));
        p.check(path);
        return p;
    }

    /**
     * The server's defaults from {@code glimpse serve}'s flags of the same names (null: unset); the speculation mode comes
     * parsed, as {@code glimpse ask} parses it (an unknown one is bad input there, not a usage error).
     *
     * @throws ApiException naming the flag whose value the registries refuse
     */
    public static GlimpseParams fromFlags(Integer frames, Integer budget, boolean plan, String method, Double fps,
                                          Double dedup, boolean queryAware, String reduce, String llmPrune,
                                          String positions, Double tcGamma, AskJob.Speculation speculate,
                                          int maxFrames) {
        range(frames, 1, maxFrames, "--frames");
        range(budget, 1, Integer.MAX_VALUE, "--budget");
        range(fps, Double.MIN_VALUE, 1000, "--fps");
        range(dedup, 0, 1, "--dedup");
        range(tcGamma, 0, 1000, "--tc-gamma");
        GlimpseParams p = new GlimpseParams(frames, budget, plan ? Boolean.TRUE : null, method(method, "--method"), fps, dedup,
                queryAware ? Boolean.TRUE : null, reduce(reduce, "--reduce"), pruning(llmPrune, "--llm-prune"),
                positions(positions, "--positions"), tcGamma, speculate);
        p.check("--");
        return p;
    }

    private static void range(Number v, double min, double max, String name) {
        if (v != null && !(v.doubleValue() >= min && v.doubleValue() <= max)) {
            throw ApiException.invalid(name, name + " must be in [" + min + ", " + max + "], got " + v);
        }
    }

    private static PlanMethod method(String v, String name) {
        return parsed(v, name, PlanMethod::parse);
    }

    private static Pipeline reduce(String v, String name) {
        return parsed(v, name, Pipeline::of);
    }

    private static PrunerMethod pruning(String v, String name) {
        return parsed(v, name, LayerPruners::method);
    }

    private static AskJob.Positions positions(String v, String name) {
        return parsed(v, name, s -> Arrays.stream(AskJob.Positions.values()).filter(p -> p.spelling().equals(s)).findFirst()
                .orElseThrow(() -> new BadInputException("must be one of " + Arrays.stream(AskJob.Positions.values())
                        .map(AskJob.Positions::spelling).toList() + ", got '" + s + "'")));
    }

    private static AskJob.Speculation speculation(String v, String name) {
        return parsed(v, name, AskJob.Speculation::parse);
    }

    /** {@code v} read by {@code registry}, or null when absent; a refusal is a 400 naming {@code name}. */
    private static <T> T parsed(String v, String name, Function<String, T> registry) {
        if (v == null) {
            return null;
        }
        try {
            return registry.apply(v);
        } catch (IllegalArgumentException e) {
            // BadInputException is one; PlanMethod.parse throws the plain kind.
            throw ApiException.invalid(name, name + ": " + e.getMessage());
        }
    }

    /** Each field of this, or {@code defaults}' where this has none. */
    public GlimpseParams orElse(GlimpseParams defaults) {
        return new GlimpseParams(pick(frames, defaults.frames), pick(budget, defaults.budget), pick(plan, defaults.plan),
                pick(method, defaults.method), pick(fps, defaults.fps), pick(dedup, defaults.dedup),
                pick(queryAware, defaults.queryAware), pick(reduce, defaults.reduce), pick(llmPruning, defaults.llmPruning),
                pick(positions, defaults.positions), pick(tcGamma, defaults.tcGamma), pick(speculate, defaults.speculate));
    }

    private static <T> T pick(T own, T fallback) {
        return own != null ? own : fallback;
    }

    /**
     * Throws a 400 naming the first field (under {@code path}, {@code --} for flags) that contradicts another, as
     * {@code glimpse ask} refuses the same options together.
     */
    public void check(String path) {
        String sep = path.equals("--") ? "" : ".";
        if (positions != null && positions.rotatesVisualRows() && llmPruning != null) {
            String name = path + sep + "positions";
            throw ApiException.invalid(name, name + " " + positions.spelling() + " and in-LLM pruning do not combine (the "
                    + "scheme tells visual rows apart by position, which pruning changes)");
        }
    }

    /** Frames for a video without planning (8, as {@code glimpse ask}). */
    public int framesOrDefault() {
        return frames == null ? 8 : frames;
    }

    public PlanMethod methodOrDefault() {
        return method == null ? PlanRequest.DEFAULT_METHOD : method;
    }

    public double fpsOrDefault() {
        return fps == null ? PlanRequest.DEFAULT_FPS : fps;
    }

    /** The runtime's position scheme (recompact unless asked otherwise; TC-LLaVA's gamma 1 unless given). */
    public io.glimpse.llava.Positions scheme() {
        return (positions == null ? AskJob.Positions.RECOMPACT : positions).scheme(tcGamma == null ? 1 : tcGamma);
    }

    public boolean speculates() {
        return speculate != null && speculate != AskJob.Speculation.NONE;
    }

    public boolean queryAwareOrDefault() {
        return Boolean.TRUE.equals(queryAware);
    }

    /** Whether a video's frames are planned: asked for, or a budget without a reduction pipeline. */
    public boolean plans() {
        return Boolean.TRUE.equals(plan) || (budget != null && reduce == null);
    }

    /** The reduction pipeline, with the budget as its final one unless the budget plans frames; null for none. */
    public Pipeline pipeline(boolean video) {
        if (reduce == null) {
            return null;
        }
        return budget != null && !(video && plans()) ? reduce.withFinalBudget(budget) : reduce;
    }
}
