package io.glimpse.plan;

import io.glimpse.io.BadInputException;
/**
 * What to plan for.
 *
 * @param budget    total tokens of the target the plan may spend, ≥ 1
 * @param target    cost model name (see {@link CostModels#names()})
 * @param method    how frames are chosen
 * @param fps       frames per second the candidates are sampled at before planning (default 1, as F2C,
 *                  TDC and LLaVA-Video sample)
 * @param relevance per-candidate query relevance, or null without a query (used by {@link PlanMethod#CLIPS} and
 *                  {@link PlanMethod#QUOTA})
 * @param dedup     {@link TemporalDedup} threshold applied to the sampled frames before scenes are found, or null
 *                  to keep every sampled frame: for frames with a {@link FrameLook} the share of patches that must
 *                  change for a frame to be kept ({@link TemporalDedup#byChange}), else B-VLLM's similarity
 */
public record PlanRequest(int budget, String target, PlanMethod method, double fps, double[] relevance,
                          Double dedup) {
    public static final double DEFAULT_FPS = 1.0;
    public static final PlanMethod DEFAULT_METHOD = PlanMethod.CLIPS;

    public PlanRequest {
        if (budget < 1) {
            throw new BadInputException("token budget must be at least 1, got " + budget);
        }
        if (target == null || method == null) {
            throw new IllegalArgumentException("a plan request needs a target and a method");
        }
        if (!(fps > 0) || Double.isInfinite(fps)) {
            throw new BadInputException("sampling fps must be finite and positive, got " + fps);
        }
        if (dedup != null && !(dedup >= 0 && dedup <= 1)) {
            throw new BadInputException("dedup threshold must be in [0,1], got " + dedup);
        }
        if (relevance != null) {
            for (double r : relevance) {
                if (!Double.isFinite(r)) {
                    throw new IllegalArgumentException("relevance scores must be finite, got " + r);
                }
            }
        }
    }

    public PlanRequest(int budget, String target, PlanMethod method, double fps, double[] relevance) {
        this(budget, target, method, fps, relevance, null);
    }

    /** Default method ({@code clips}) at the default fps, without a query or dedup. */
    public static PlanRequest of(int budget, String target) {
        return new PlanRequest(budget, target, DEFAULT_METHOD, DEFAULT_FPS, null);
    }

    public PlanRequest withMethod(PlanMethod m) {
        return new PlanRequest(budget, target, m, fps, relevance, dedup);
    }

    public PlanRequest withFps(double f) {
        return new PlanRequest(budget, target, method, f, relevance, dedup);
    }

    public PlanRequest withRelevance(double[] r) {
        return new PlanRequest(budget, target, method, fps, r, dedup);
    }

    public PlanRequest withDedup(Double threshold) {
        return new PlanRequest(budget, target, method, fps, relevance, threshold);
    }
}
