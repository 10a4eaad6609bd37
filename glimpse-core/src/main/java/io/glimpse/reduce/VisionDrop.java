package io.glimpse.reduce;

import io.glimpse.io.BadInputException;
import io.glimpse.tokens.AttentionMaps;
import io.glimpse.tokens.TokenSet;
import java.util.Arrays;
import java.util.List;

/**
 * Progressive pruning in stages: per frame, each stage keeps the dominant tokens by visual-only attention and merges the
 * rest into contextual tokens by similarity, re-scoring merged tokens over their whole footprint. VisionDrop
 * (Ruixxxx/VisionDrop, AAAI 2026). Constructor defaults per stage: dominant [42,30,22,16], contextual [6,5,4,3] (the
 * paper's 48→35→26→19), layers [23,...] of the {@code received@layer} maps (cls also works). Specs give either
 * every stage as lists ({@code dominant=42x30x22x16,contextual=6x5x4x3}) or the last stage ({@code dominant} 16,
 * {@code contextual} 3) and a {@code stagekeep} 0.73 shrink over {@code stages} 4 ({@link #geometric}); a budget
 * {@code keep}/{@code k} rescales the schedule per frame so the last stage meets it.
 * The paper's later stages use visual-only attention inside the LLM (layers 8/16/24) and target + mean(members);
 * here similarity is on embeddings and merges are size-weighted means ({@link VisionZip} offers both of the paper's).
 */
public final class VisionDrop implements Reducer {
    public static final String NAME = "visiondrop";
    public static final List<Integer> DEFAULT_DOMINANT = List.of(42, 30, 22, 16);
    public static final List<Integer> DEFAULT_CONTEXTUAL = List.of(6, 5, 4, 3);
    public static final String DEFAULT_SCORE = AttentionScores.RECEIVED;
    public static final List<Integer> DEFAULT_LAYERS = List.of(23, 23, 23, 23);
    /** Per-stage shrink of the paper's schedule (48→35→26→19 is about ×0.73 a stage), for {@link #geometric}. */
    public static final double DEFAULT_STAGE_KEEP = 0.73;

    public static final ReducerMethod METHOD = ReducerMethod.of(NAME, Site.ENCODER,
            "VisionDrop: VisionZip's dominant + contextual step repeated over a shrinking schedule of stages",
            VisionDrop::fromSpec,
            ParamDef.keep(null),
            ParamDef.count(),
            ParamDef.integers("dominant", 0, Integer.MAX_VALUE, List.of(DEFAULT_DOMINANT.get(DEFAULT_DOMINANT.size() - 1)),
                    "dominant tokens per frame after the last stage, or per stage as a list (with keep/k: the ratio "
                            + "dominant:contextual)"),
            ParamDef.integers("contextual", 0, Integer.MAX_VALUE,
                    List.of(DEFAULT_CONTEXTUAL.get(DEFAULT_CONTEXTUAL.size() - 1)),
                    "contextual tokens per frame after the last stage, or per stage as a list"),
            ParamDef.integer("stages", 1, 64, DEFAULT_DOMINANT.size(), "number of stages (single counts only)"),
            ParamDef.realAbove("stagekeep", 0, 1, DEFAULT_STAGE_KEEP,
                    "each stage keeps this fraction of the one before (single counts only)"),
            AttentionScores.scoreParam(DEFAULT_SCORE),
            AttentionScores.layerParam("layer", DEFAULT_LAYERS.get(0),
                    "encoder block whose attention ranks every stage"));

    /**
     * Single dominant and contextual counts give the last stage of a {@link #geometric} schedule; lists give every
     * stage, as the paper writes its schedule ({@code dominant=42x30x22x16,contextual=6x5x4x3}).
     */
    private static VisionDrop fromSpec(StageSpec spec) {
        int[] dominant = spec.integers("dominant");
        int[] contextual = spec.integers("contextual");
        Budget budget = spec.explicitBudget().orElse(null);
        if (dominant.length == 1 && contextual.length == 1) {
            return geometric(dominant[0], contextual[0], spec.integer("stages"), spec.real("stagekeep"),
                    spec.choice("score"), spec.integer("layer"), budget);
        }
        if (spec.isSet("stages") || spec.isSet("stagekeep")) {
            throw new BadInputException(NAME + ": stages and stagekeep shape a schedule from single counts; "
                    + "with per-stage lists leave them out");
        }
        int[] layers = new int[dominant.length];
        Arrays.fill(layers, spec.integer("layer"));
        return new VisionDrop(dominant, contextual, spec.choice("score"), layers, budget);
    }

    private final int[] dominant;
    private final int[] contextual;
    private final AttentionMaps.Key[] keys;
    private final Budget budget;

    /**
     * Stage s keeps dominant[s] + contextual[s] tokens per frame, scored by map {@code score@layers[s]}; totals must
     * not grow from stage to stage.
     *
     * @param budget null to keep the counts per frame, else the total the last stage keeps (schedule rescaled)
     */
    public VisionDrop(int[] dominant, int[] contextual, String score, int[] layers, Budget budget) {
        if (dominant.length == 0 || dominant.length != contextual.length || dominant.length != layers.length) {
            throw new BadInputException(NAME + ": dominant, contextual and layers need one entry per stage, got "
                    + dominant.length + ", " + contextual.length + " and " + layers.length);
        }
        for (int s = 0; s < dominant.length; s++) {
            if (dominant[s] < 0 || contextual[s] < 0 || dominant[s] + contextual[s] < 1) {
                throw new BadInputException(NAME + ": stage " + s + " needs dominant, contextual >= 0 with a "
                        + "positive sum, got " + dominant[s] + " and " + contextual[s]);
            }
            if (s > 0 && dominant[s] + contextual[s] > dominant[s - 1] + contextual[s - 1]) {
                throw new BadInputException(NAME + ": stage " + s + " keeps " + (dominant[s] + contextual[s])
                        + " tokens, more than stage " + (s - 1) + "'s " + (dominant[s - 1] + contextual[s - 1]));
            }
        }
        this.dominant = dominant.clone();
        this.contextual = contextual.clone();
        this.keys = new AttentionMaps.Key[layers.length];
        for (int s = 0; s < layers.length; s++) {
            keys[s] = AttentionScores.key(score, layers[s]);
        }
        this.budget = budget;
    }

    @Override
    public AttentionMaps.Request needs() {
        return new AttentionMaps.Request(Arrays.stream(keys).map(AttentionMaps.Key::block).collect(
                java.util.stream.Collectors.toSet()), java.util.Set.of());
    }

    public VisionDrop(int[] dominant, int[] contextual, String score, int[] layers) {
        this(dominant, contextual, score, layers, null);
    }

    public VisionDrop() {
        this(ints(DEFAULT_DOMINANT), ints(DEFAULT_CONTEXTUAL), DEFAULT_SCORE, ints(DEFAULT_LAYERS));
    }

    private static int[] ints(List<Integer> values) {
        return values.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * A schedule of {@code stages} stages ending at (dominant, contextual) per frame, each earlier stage larger by
     * a factor 1/stageKeep: (16, 3, 4 stages, 0.73) gives (41,8) (30,6) (22,4) (16,3); every stage reads
     * {@code score@layer}.
     *
     * @param budget null to keep the counts per frame, else the total the last stage keeps
     */
    public static VisionDrop geometric(int dominant, int contextual, int stages, double stageKeep, String score,
                                       int layer, Budget budget) {
        if (stages < 1 || !(stageKeep > 0 && stageKeep <= 1)) {
            throw new BadInputException(NAME + ": need stages >= 1 and stageKeep in (0, 1], got " + stages
                    + " and " + stageKeep);
        }
        int[] d = new int[stages];
        int[] c = new int[stages];
        for (int s = 0; s < stages; s++) {
            double grow = Math.pow(stageKeep, -(stages - 1 - s));
            // Saturate instead of wrapping: a steep schedule's early stages may not fit an int, and the frame-size
            // check then reports them as too large rather than as negative counts.
            d[s] = (int) Math.min(Integer.MAX_VALUE, Math.round(dominant * grow));
            c[s] = (int) Math.min(Integer.MAX_VALUE - d[s], Math.round(contextual * grow));
        }
        int[] layers = new int[stages];
        Arrays.fill(layers, layer);
        return new VisionDrop(d, c, score, layers, budget);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Dominant tokens per frame kept by each stage. */
    public int[] dominant() {
        return dominant.clone();
    }

    /** Contextual tokens per frame formed by each stage. */
    public int[] contextual() {
        return contextual.clone();
    }

    @Override
    public TokenSet apply(TokenSet in, ReduceContext ctx) {
        return ContextualMerge.run(NAME, in, ctx, dominant, contextual, keys, budget, SimilarityMetric.ON_EMBEDDINGS,
                ContextualMerge.Aggregation.MEAN);
    }
}
