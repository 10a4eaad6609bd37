package io.glimpse.reduce;

import io.glimpse.io.BadInputException;
import io.glimpse.tokens.AttentionMaps;
import io.glimpse.tokens.TokenSet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 *
 * <p>Decoder rows. {@link #run(TokenSet, ReduceContext, int) run(in, ctx, rows)} counts budgets in the rows the
 * model would spend on {@code in} unreduced (fewer than its tokens when the model pools them): a stage that receives
 * every token of {@code in} takes {@code keep=f} as ⌊f·rows⌋ tokens, {@code k=c} as c of those rows and
 * {@code r=m} as rows − m; a later stage counts the tokens it receives, each of which becomes one row.
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

    /** The encoder maps and key rows the stages read, by block ({@link Reducer#needs}), so encoders make only those. */
    public AttentionMaps.Request needs() {
        AttentionMaps.Request r = AttentionMaps.Request.NONE;
        for (StageSpec s : spec.stages()) {
            r = r.and(s.create().needs());
        }
        return r;
    }

    /** {@link #needs} of the stages acting on the encoder's tokens, the only ones that see its maps. */
    public AttentionMaps.Request encoderNeeds() {
        return bySite().encoder().map(Pipeline::needs).orElse(AttentionMaps.Request.NONE);
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
        return run(in, ctx, in.size());
    }

    /**
     * Runs the stages with budgets counted in decoder rows (see class doc).
     *
     * @param rows the rows the model spends on {@code in} without reduction, at most its size
     */
    public Result run(TokenSet in, ReduceContext ctx, int rows) {
        if (rows < 1 || rows > in.size()) {
            throw new IllegalArgumentException("rows must be in [1, " + in.size() + "], got " + rows);
        }
        List<StageSpec> stages = spec.stages();
        List<StageReport> reports = new ArrayList<>(stages.size());
        TokenSet current = in;
        for (int i = 0; i < stages.size(); i++) {
            StageSpec stage = current.size() == in.size() && rows != in.size() ? inRows(resolve(i, rows), rows)
                    : resolve(i, current.size());
            Reducer reducer = stage.create();
            long start = System.nanoTime();
            TokenSet next = reducer.apply(current, ctx);
            long nanos = System.nanoTime() - start;
            reports.add(new StageReport(i, stage.name(), stage.toString(), current.size(), next.size(), nanos));
            current = next;
        }
        return new Result(current, reports);
    }

    /** The stage with its budget (explicit or default) restated as a count of tokens standing for {@code rows}. */
    private static StageSpec inRows(StageSpec stage, int rows) {
        if (!stage.method().budgeted()) {
            return stage;
        }
        return stage.withBudget(Budget.count(stage.budget().target(rows, stage.name() + " (in decoder rows)")));
    }

    /**
     * The stages acting at each {@link Site}, in order; a final budget goes with the later part.
     *
     * @throws BadInputException when a stage acting on encoder tokens follows one acting on pooled rows
     */
    public Sites bySite() {
        List<StageSpec> encoder = new ArrayList<>();
        List<StageSpec> pooled = new ArrayList<>();
        for (StageSpec s : spec.stages()) {
            if (s.method().site() == Site.ENCODER && !pooled.isEmpty()) {
                throw new BadInputException("stage '" + s + "' acts on the encoder's tokens, so it cannot follow '"
                        + pooled.get(pooled.size() - 1) + "', which acts on the pooled rows");
            }
            (s.method().site() == Site.ENCODER ? encoder : pooled).add(s);
        }
        Optional<Pipeline> first = encoder.isEmpty() ? Optional.empty()
                : Optional.of(new Pipeline(new PipelineSpec(encoder), pooled.isEmpty() ? finalBudget : null));
        Optional<Pipeline> second = pooled.isEmpty() ? Optional.empty()
                : Optional.of(new Pipeline(new PipelineSpec(pooled), finalBudget));
        return new Sites(first, second);
    }

    /** A pipeline split by {@link Site}: the encoder stages run first, then the pooled ones. */
    public record Sites(Optional<Pipeline> encoder, Optional<Pipeline> pooled) {
    }

    /**
     * The stages for a tower without a CLS token (SigLIP): an attention score left at its {@code cls} default
     * becomes {@code received}.
     *
     * @throws BadInputException when a stage asks for {@code score=cls} explicitly
     */
    public Pipeline withoutCls() {
        List<StageSpec> stages = new ArrayList<>();
        for (StageSpec s : spec.stages()) {
            String score = AttentionScores.SCORE_PARAM;
            if (!s.method().readsAttention() || !s.choice(score).equals(AttentionScores.CLS)) {
                stages.add(s);
            } else if (s.isSet(score)) {
                throw new BadInputException("stage '" + s + "' ranks by CLS attention, but this tower has no CLS "
                        + "token; use " + score + "=" + AttentionScores.RECEIVED);
            } else {
                Map<String, Object> values = new LinkedHashMap<>(s.values());
                values.put(score, AttentionScores.RECEIVED);
                stages.add(new StageSpec(s.method(), values));
            }
        }
        return new Pipeline(new PipelineSpec(stages), finalBudget);
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
