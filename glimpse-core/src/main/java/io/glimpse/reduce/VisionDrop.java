package io.glimpse.reduce;

import io.glimpse.tokens.TokenSet;
import java.util.Arrays;
import java.util.List;

/**
 * Progressive pruning in stages: per frame, each stage keeps the dominant tokens by visual-only attention and merges the
 * rest into contextual tokens by similarity, re-scoring merged tokens over their whole footprint. VisionDrop
 * (Ruixxxx/VisionDrop, AAAI 2026). Parameters per stage: dominant [42,30,22,16], contextual [6,5,4,3] (the paper's
 * 48→35→26→19), layers [23,...] of the {@code received@layer} maps (cls also works). The paper's later stages use
 * visual-only attention inside the LLM (layers 8/16/24) and target + mean(members); here merges are size-weighted means.
 */
public final class VisionDrop implements Reducer {
    public static final List<Integer> DEFAULT_DOMINANT = List.of(42, 30, 22, 16);
    public static final List<Integer> DEFAULT_CONTEXTUAL = List.of(6, 5, 4, 3);
    public static final String DEFAULT_SCORE = AttentionScores.RECEIVED;
    public static final List<Integer> DEFAULT_LAYERS = List.of(23, 23, 23, 23);
    /** Per-stage shrink of the paper's schedule (48→35→26→19 is about ×0.73 a stage), for {@link #geometric}. */
    public static final double DEFAULT_STAGE_KEEP = 0.73;

    private final int[] dominant;
    private final int[] contextual;
    private final String[] keys;

    /**
     * Stage s keeps dominant[s] + contextual[s] tokens per frame, scored by map {@code score@layers[s]}; totals must
     * not grow from stage to stage.
     */
    public VisionDrop(int[] dominant, int[] contextual, String score, int[] layers) {
        if (dominant.length == 0 || dominant.length != contextual.length || dominant.length != layers.length) {
            throw new IllegalArgumentException("visiondrop: dominant, contextual and layers need one entry per stage, got "
                    + dominant.length + ", " + contextual.length + " and " + layers.length);
        }
        for (int s = 0; s < dominant.length; s++) {
            if (dominant[s] < 0 || contextual[s] < 0 || dominant[s] + contextual[s] < 1) {
                throw new IllegalArgumentException("visiondrop: stage " + s + " needs dominant, contextual >= 0 with a "
                        + "positive sum, got " + dominant[s] + " and " + contextual[s]);
            }
            if (s > 0 && dominant[s] + contextual[s] > dominant[s - 1] + contextual[s - 1]) {
                throw new IllegalArgumentException("visiondrop: stage " + s + " keeps " + (dominant[s] + contextual[s])
                        + " tokens, more than stage " + (s - 1) + "'s " + (dominant[s - 1] + contextual[s - 1]));
            }
        }
        this.dominant = dominant.clone();
        this.contextual = contextual.clone();
        this.keys = new String[layers.length];
        for (int s = 0; s < layers.length; s++) {
            keys[s] = AttentionScores.key(score, layers[s]);
        }
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
     */
    public static VisionDrop geometric(int dominant, int contextual, int stages, double stageKeep, String score,
                                       int layer) {
        if (stages < 1 || !(stageKeep > 0 && stageKeep <= 1)) {
            throw new IllegalArgumentException("visiondrop: need stages >= 1 and stageKeep in (0, 1], got " + stages
                    + " and " + stageKeep);
        }
        int[] d = new int[stages];
        int[] c = new int[stages];
        for (int s = 0; s < stages; s++) {
            double grow = Math.pow(stageKeep, -(stages - 1 - s));
            d[s] = (int) Math.round(dominant * grow);
            c[s] = (int) Math.round(contextual * grow);
        }
        int[] layers = new int[stages];
        Arrays.fill(layers, layer);
        return new VisionDrop(d, c, score, layers);
    }

    @Override
    public String name() {
        return "visiondrop";
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
        ReduceChecks.requireTokens(name(), in);
        ReduceChecks.requireFinite(name(), in);
        TokenSet out = in;
        for (int s = 0; s < dominant.length; s++) {
            float[] score = AttentionScores.perToken(name(), out, ctx, keys[s]);
            out = ContextualMerge.apply(name() + " stage " + s, out, score, dominant[s], contextual[s]);
        }
        return out;
    }
}
