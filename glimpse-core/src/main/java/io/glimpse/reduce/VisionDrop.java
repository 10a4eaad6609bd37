package io.glimpse.reduce;

import io.glimpse.tokens.TokenSet;
import java.util.List;

/**
 * Progressive pruning in stages: each stage keeps, per frame, the dominant tokens by visual-only attention and merges
 * the rest into contextual tokens by similarity; later stages re-score merged tokens over their whole footprint.
 * VisionDrop (Ruixxxx/VisionDrop, "VisionDrop: Training-Free Vision Token Pruning via Visual-Only Attention", AAAI
 * 2026). Parameters: per-stage dominant [42,30,22,16] and contextual [6,5,4,3] (the paper's 48→35→26→19 schedule),
 * score kind received (attention received from visual queries; cls available), layer 23. The paper runs stage 0 in
 * the ViT on CLS attention and later stages inside the LLM (layers 8/16/24); here every stage reads the same
 * encoder map, and merged tokens are size-weighted means rather than target + mean(members).
 */
public final class VisionDrop implements Reducer {
    public static final List<Integer> DEFAULT_DOMINANT = List.of(42, 30, 22, 16);
    public static final List<Integer> DEFAULT_CONTEXTUAL = List.of(6, 5, 4, 3);
    public static final String DEFAULT_SCORE = AttentionScores.RECEIVED;
    public static final int DEFAULT_LAYER = AttentionScores.PENULTIMATE_CLIP_L;
    /** Per-stage shrink of the paper's schedule (48→35→26→19 is about ×0.73 a stage), for {@link #geometric}. */
    public static final double DEFAULT_STAGE_KEEP = 0.73;

    private final int[] dominant;
    private final int[] contextual;
    private final String key;

    /** Stage s keeps dominant[s] + contextual[s] tokens per frame; totals must not grow from stage to stage. */
    public VisionDrop(int[] dominant, int[] contextual, String score, int layer) {
        if (dominant.length == 0 || dominant.length != contextual.length) {
            throw new IllegalArgumentException("visiondrop: dominant and contextual need one entry per stage, got "
                    + dominant.length + " and " + contextual.length);
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
        this.key = AttentionScores.key(score, layer);
    }

    public VisionDrop() {
        this(DEFAULT_DOMINANT.stream().mapToInt(Integer::intValue).toArray(),
                DEFAULT_CONTEXTUAL.stream().mapToInt(Integer::intValue).toArray(), DEFAULT_SCORE, DEFAULT_LAYER);
    }

    /**
     * A schedule of {@code stages} stages ending at (dominant, contextual) per frame, each earlier stage larger by
     * a factor 1/stageKeep: (16, 3, 4 stages, 0.73) gives (41,8) (30,6) (22,4) (16,3).
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
        return new VisionDrop(d, c, score, layer);
    }

    @Override
    public String name() {
        return "visiondrop";
    }

    public int stages() {
        return dominant.length;
    }

    @Override
    public TokenSet apply(TokenSet in, ReduceContext ctx) {
        ReduceChecks.requireTokens(name(), in);
        ReduceChecks.requireFinite(name(), in);
        TokenSet out = in;
        for (int s = 0; s < dominant.length; s++) {
            float[] score = AttentionScores.perToken(name(), out, ctx, key);
            out = ContextualMerge.apply(name() + " stage " + s, out, score, dominant[s], contextual[s]);
        }
        return out;
    }
}
