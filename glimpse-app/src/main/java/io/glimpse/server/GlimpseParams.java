package io.glimpse.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.glimpse.io.BadInputException;
import io.glimpse.lm.PositionPolicy;
import io.glimpse.lm.prune.LayerPruners;
import io.glimpse.plan.PlanMethod;
import io.glimpse.plan.PlanRequest;
import io.glimpse.reduce.Pipeline;

/**
 * The {@code glimpse} object of a chat request: how media become visual tokens. Every field may be left out (null),
 * then the server's default applies ({@link #orElse}).
 *
 * @param frames     video frames sampled evenly when not planning
 * @param budget     with {@code plan} (or on a video without {@code reduce}): tokens the planned frames may cost;
 *                   otherwise the final budget of the reduction pipeline
 * @param plan       choose a video's frames with the planner under {@code budget}
 * @param method     planning method id
 * @param fps        candidate frames per second for planning
 * @param dedup      planning's near-repeat threshold
 * @param reduce     reduction pipeline spec, run on the tower's tokens
 * @param llmPruning in-decoder pruning: fastv, aim or todre
 * @param positions  position ids after reduction: keep or recompact
 */
public record GlimpseParams(Integer frames, Integer budget, Boolean plan, String method, Double fps, Double dedup,
                            String reduce, String llmPruning, String positions) {
    public static final GlimpseParams NONE = new GlimpseParams(null, null, null, null, null, null, null, null, null);

    /** Reads and checks the object at {@code path} (a request's {@code glimpse}); unknown fields are ignored. */
    public static GlimpseParams parse(JsonNode node, String path, int maxFrames) {
        if (node == null) {
            return NONE;
        }
        GlimpseParams p = new GlimpseParams(
                JsonFields.integer(node, "frames", path + ".frames", 1, maxFrames),
                JsonFields.integer(node, "budget", path + ".budget", 1, Integer.MAX_VALUE),
                JsonFields.bool(node, "plan", path + ".plan"),
                JsonFields.text(node, "method", path + ".method"),
                JsonFields.number(node, "fps", path + ".fps", Double.MIN_VALUE, 1000),
                JsonFields.number(node, "dedup", path + ".dedup", 0, 1),
                JsonFields.text(node, "reduce", path + ".reduce"),
                JsonFields.text(node, "llm_pruning", path + ".llm_pruning"),
                JsonFields.text(node, "positions", path + ".positions"));
        p.check(path);
        return p;
    }

    /** Each field of this, or {@code defaults}' where this has none. */
    public GlimpseParams orElse(GlimpseParams defaults) {
        return new GlimpseParams(pick(frames, defaults.frames), pick(budget, defaults.budget), pick(plan, defaults.plan),
                pick(method, defaults.method), pick(fps, defaults.fps), pick(dedup, defaults.dedup),
                pick(reduce, defaults.reduce), pick(llmPruning, defaults.llmPruning), pick(positions, defaults.positions));
    }

    private static <T> T pick(T own, T fallback) {
        return own != null ? own : fallback;
    }

    /** Throws a 400 naming the first field whose value the engine would refuse. */
    public void check(String path) {
        if (method != null) {
            try {
                PlanMethod.parse(method);
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid(path + ".method", path + ".method: " + e.getMessage());
            }
        }
        if (reduce != null) {
            try {
                Pipeline.of(reduce);
            } catch (BadInputException e) {
                throw ApiException.invalid(path + ".reduce", path + ".reduce: " + e.getMessage());
            }
        }
        if (llmPruning != null) {
            try {
                LayerPruners.method(llmPruning);
            } catch (BadInputException e) {
                throw ApiException.invalid(path + ".llm_pruning", path + ".llm_pruning: " + e.getMessage());
            }
        }
        if (positions != null && !positions.equals("keep") && !positions.equals("recompact")) {
            throw ApiException.invalid(path + ".positions", path + ".positions must be keep or recompact");
        }
    }

    /** Frames for a video without planning (8, as {@code glimpse ask}). */
    public int framesOrDefault() {
        return frames == null ? 8 : frames;
    }

    public PlanMethod methodOrDefault() {
        return method == null ? PlanRequest.DEFAULT_METHOD : PlanMethod.parse(method);
    }

    public double fpsOrDefault() {
        return fps == null ? PlanRequest.DEFAULT_FPS : fps;
    }

    public PositionPolicy positionPolicy() {
        return "keep".equals(positions) ? PositionPolicy.KEEP_ORIGINAL : PositionPolicy.RECOMPACT;
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
        Pipeline p = Pipeline.of(reduce);
        return budget != null && !(video && plans()) ? p.withFinalBudget(budget) : p;
    }
}
