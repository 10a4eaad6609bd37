package io.glimpse.reduce;

import io.glimpse.tokens.FrameInfo;
import io.glimpse.tokens.TokenSet;
import java.util.Arrays;

/**
 * Per frame, keeps anchors (top tokens by a middle-layer map), their grid neighbours as buffers, and fills the budget
 * with registers (top remaining tokens by a deep-layer map). HiPrune (Danielement321/HiPrune, 2025: hierarchical
 * attention in vision encoders). Parameters: keep = fraction of each frame kept (1/3: LLaVA-1.5's 192 of 576), alpha 0.1
 * (anchors = round(budget·alpha/(1+neighbours))), objectLayer 9, deepLayer 23 (CLIP-L), neighbourhood 4 (or 8); maps
 * {@code received@layer}. Unlike the code, ±1 neighbours do not wrap across row ends.
 */
public final class HiPrune implements Reducer {
    public static final double DEFAULT_KEEP = 1.0 / 3.0;
    public static final double DEFAULT_ALPHA = 0.1;
    public static final int DEFAULT_OBJECT_LAYER = 9;
    public static final int DEFAULT_DEEP_LAYER = AttentionScores.PENULTIMATE_CLIP_L;
    public static final int DEFAULT_NEIGHBOURHOOD = 4;

    private static final int[][] FOUR = {{-1, 0}, {0, -1}, {0, 1}, {1, 0}};
    private static final int[][] EIGHT = {{-1, -1}, {-1, 0}, {-1, 1}, {0, -1}, {0, 1}, {1, -1}, {1, 0}, {1, 1}};

    private final double keep;
    private final double alpha;
    private final String objectKey;
    private final String deepKey;
    private final int[][] offsets;

    public HiPrune(double keep, double alpha, int objectLayer, int deepLayer, int neighbourhood) {
        if (!(keep > 0 && keep <= 1)) {
            throw new IllegalArgumentException("hiprune: keep must be in (0, 1], got " + keep);
        }
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException("hiprune: alpha must be in [0, 1], got " + alpha);
        }
        if (neighbourhood != 4 && neighbourhood != 8) {
            throw new IllegalArgumentException("hiprune: neighbourhood must be 4 or 8, got " + neighbourhood);
        }
        this.keep = keep;
        this.alpha = alpha;
        this.objectKey = AttentionScores.key(AttentionScores.RECEIVED, objectLayer);
        this.deepKey = AttentionScores.key(AttentionScores.RECEIVED, deepLayer);
        this.offsets = neighbourhood == 4 ? FOUR : EIGHT;
    }

    public HiPrune() {
        this(DEFAULT_KEEP, DEFAULT_ALPHA, DEFAULT_OBJECT_LAYER, DEFAULT_DEEP_LAYER, DEFAULT_NEIGHBOURHOOD);
    }

    @Override
    public String name() {
        return "hiprune";
    }

    /** Tokens kept from a frame of n tokens. */
    public int budget(int n) {
        return Math.max(1, Math.min(n, (int) Math.round(keep * n)));
    }

    /** Anchors chosen in a frame whose budget is b; capped so anchors and their buffers fit the budget. */
    public int anchors(int b) {
        int group = offsets.length + 1;
        return Math.min((int) Math.round(b * alpha / group), b / group);
    }

    @Override
    public TokenSet apply(TokenSet in, ReduceContext ctx) {
        ReduceChecks.requireTokens(name(), in);
        ReduceChecks.requireFinite(name(), in);
        float[] object = AttentionScores.perToken(name(), in, ctx, objectKey);
        float[] deep = AttentionScores.perToken(name(), in, ctx, deepKey);
        boolean[] chosen = new boolean[in.size()];
        int kept = 0;
        for (int[] tokens : ReduceChecks.tokensByFrame(in)) {
            if (tokens.length > 0) {
                kept += selectFrame(in, tokens, object, deep, chosen);
            }
        }
        int[] keep = new int[kept];
        int i = 0;
        for (int t = 0; t < chosen.length; t++) {
            if (chosen[t]) {
                keep[i++] = t;
            }
        }
        return in.select(keep, null);
    }

    private int selectFrame(TokenSet in, int[] tokens, float[] object, float[] deep, boolean[] chosen) {
        int b = budget(tokens.length);
        int count = 0;
        for (int a : ReduceChecks.topK(object, tokens, anchors(b))) {
            if (!chosen[a]) {
                chosen[a] = true;
                count++;
            }
            FrameInfo fi = in.frameInfo(in.frame(a));
            for (int[] o : offsets) {
                int r = in.row(a) + o[0];
                int c = in.col(a) + o[1];
                if (r < 0 || r >= fi.gridH() || c < 0 || c >= fi.gridW()) {
                    continue;
                }
                int t = in.origin(in.patchIndex(in.frame(a), r, c));
                if (t >= 0 && in.frame(t) == in.frame(a) && !chosen[t]) {
                    chosen[t] = true;
                    count++;
                }
            }
        }
        int[] rest = Arrays.stream(tokens).filter(t -> !chosen[t]).toArray();
        for (int t : ReduceChecks.topK(deep, rest, b - count)) {
            chosen[t] = true;
        }
        return b;
    }
}
