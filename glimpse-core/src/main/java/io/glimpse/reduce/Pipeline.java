package io.glimpse.reduce;

import io.glimpse.io.BadInputException;
import io.glimpse.tokens.TokenSet;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Applies the stages of a {@link PipelineSpec} in order and reports each one.
 *
 * <p>Final budget. {@link #withFinalBudget(int) withFinalBudget(B)} promises at most B tokens out. Stages with an
 * explicit budget run as written; budgeted stages without one are "free" and share the rest of the reduction
 * geometrically: before free stage i, with n tokens in, u free stages left (i included) and P the product of the
 * explicit {@code keep} fractions of the stages after it, the stage is run with
 * {@code k = min(n, ceil(n · (G/n)^(1/u)))} where {@code G = ceil(B/P)}; the last free stage gets exactly G
 * (or n if smaller). Since later {@code keep} stages round down, the output never exceeds B. Stages that take no
 * budget (e.g. threshold merges) only remove more. A final budget needs at least one free stage, and no stage
 * after the first free one may fix its own count with {@code k=} or {@code r=}.
 */
public final class Pipeline {
    private final PipelineSpec spec;
    private final Integer finalBudget;

    private Pipeline(PipelineSpec spec, Integer finalBudget) {
        this.spec = spec;
        this.finalBudget = finalBudget;
        if (finalBudget != null) {
            checkSplittable();
        }
    }

    public static Pipeline of(PipelineSpec spec) {
        return new Pipeline(spec, null);
    }

    /** Parses the spec with the built-in methods. */
    public static Pipeline of(String spec) {
        return of(PipelineSpec.parse(spec));
    }

    /**
     * The same stages with a final token budget shared by the free stages.
     *
     * @throws IllegalArgumentException when tokens &lt; 1 or the stages cannot share it (see class doc)
     */
    public Pipeline withFinalBudget(int tokens) {
        if (tokens < 1) {
            throw new BadInputException("final budget must be at least 1 token, got " + tokens);
        }
        return new Pipeline(spec, tokens);
    }

    public PipelineSpec spec() {
        return spec;
    }

    /** True when some stage reads the encoder's attention maps (see {@link ReducerMethod#readsAttention}). */
    public boolean readsAttention() {
        return spec.stages().stream().anyMatch(stage -> stage.method().readsAttention());
    }

    public Optional<Integer> finalBudget() {
        return Optional.ofNullable(finalBudget);
    }

    /** The output tokens and one report per stage. */
    public record Result(TokenSet tokens, List<StageReport> stages) {
        public Result {
            stages = List.copyOf(stages);
        }
    }

    public TokenSet apply(TokenSet in, ReduceContext ctx) {
        return run(in, ctx).tokens();
    }

    public Result run(TokenSet in, ReduceContext ctx) {
        List<StageSpec> stages = spec.stages();
        List<StageReport> reports = new ArrayList<>(stages.size());
        TokenSet current = in;
        for (int i = 0; i < stages.size(); i++) {
            StageSpec stage = resolve(i, current.size());
            Reducer reducer = stage.create();
            long start = System.nanoTime();
            TokenSet next = reducer.apply(current, ctx);
            long nanos = System.nanoTime() - start;
            reports.add(new StageReport(i, stage.name(), stage.toString(), current.size(), next.size(), nanos));
            current = next;
        }
        return new Result(current, reports);
    }

    private boolean isFree(StageSpec s) {
        return s.method().budgeted() && s.explicitBudget().isEmpty();
    }

    private StageSpec resolve(int i, int n) {
        List<StageSpec> stages = spec.stages();
        StageSpec stage = stages.get(i);
        if (finalBudget == null || !isFree(stage)) {
            return stage;
        }
        int freeLeft = 0;
        double laterKeep = 1;
        for (int j = i; j < stages.size(); j++) {
            StageSpec s = stages.get(j);
            if (isFree(s)) {
                freeLeft++;
            } else if (j > i && s.explicitBudget().isPresent()) {
                laterKeep *= s.explicitBudget().get().value();
            }
        }
        double goal = Math.ceil(finalBudget / laterKeep);
        double target = freeLeft == 1 ? goal : Math.ceil(n * Math.pow(Math.min(1, goal / n), 1.0 / freeLeft));
        int k = (int) Math.max(1, Math.min(n, target));
        return stage.withBudget(Budget.count(k));
    }

    private void checkSplittable() {
        boolean seenFree = false;
        for (StageSpec s : spec.stages()) {
            if (isFree(s)) {
                seenFree = true;
            } else if (seenFree && s.explicitBudget().isPresent()
                    && s.explicitBudget().get().kind() != Budget.Kind.KEEP) {
                throw new BadInputException("stage '" + s + "' fixes its own token count after a stage that "
                        + "shares the final budget; use keep= there or drop the final budget");
            }
        }
        if (!seenFree) {
            throw new BadInputException("a final budget needs a stage without keep=, k= or r= to adjust; "
                    + "every stage of '" + spec + "' fixes its own");
        }
    }

    @Override
    public String toString() {
        return spec + (finalBudget == null ? "" : " (final budget " + finalBudget + ")");
    }
}
