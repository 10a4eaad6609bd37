package io.glimpse.reduce;

import io.glimpse.tokens.FrameInfo;
import io.glimpse.tokens.AttentionMaps;
import io.glimpse.tokens.TokenSet;
import java.util.Arrays;

/**
 * Per frame, keeps anchors (top tokens by a middle-layer map), their grid neighbours as buffers, and fills the budget
 * with registers (top remaining tokens by a deep-layer map). HiPrune (Danielement321/HiPrune, 2025: hierarchical
 * attention in vision encoders). Parameters: {@code keep} (default 1/3: LLaVA-1.5's 192 of 576) or {@code k}, in
 * total, apportioned over the frames ({@link Budget#apportion}); {@code alpha} 0.1 (anchors =
 * round(frame budget·alpha/(1+neighbours))); {@code objectlayer} 9, {@code deeplayer} 23 (CLIP-L);
 * {@code neighbours} 4 (or 8); {@code score} global (default, the code's {@code attn.mean(1).mean(1)[:, 1:]}: mean
 * over heads and every query, CLS included; received leaves the CLS query out, cls is its row); {@code border}
 * clamp (default, the code's: neighbours are flat indices a±1, a±W clamped to the frame's [0, N−1], so ±1 wraps
 * across rows and an edge anchor's missing neighbour becomes the first or last patch) or skip (grid neighbours only,
 * none outside the grid). On the same maps the selection equals the code's ({@code ParityTest}).
 */
public final class HiPrune implements Reducer {
    public static final String NAME = "hiprune";
    public static final double DEFAULT_KEEP = 1.0 / 3.0;
    public static final double DEFAULT_ALPHA = 0.1;
    public static final int DEFAULT_OBJECT_LAYER = 9;
    public static final int DEFAULT_DEEP_LAYER = AttentionScores.PENULTIMATE_CLIP_L;
    public static final int DEFAULT_NEIGHBOURHOOD = 4;
    public static final String DEFAULT_SCORE = AttentionScores.GLOBAL;

    private static final int[][] FOUR = {{-1, 0}, {0, -1}, {0, 1}, {1, 0}};
    private static final int[][] EIGHT = {{-1, -1}, {-1, 0}, {-1, 1}, {0, -1}, {0, 1}, {1, -1}, {1, 0}, {1, 1}};

    public static final ReducerMethod METHOD = ReducerMethod.of(NAME, Site.ENCODER,
            "HiPrune: per frame, attention anchors plus their grid neighbours, then top deep-attention registers",
            spec -> new HiPrune(spec.budget(), spec.real("alpha"), spec.choice("score"), spec.integer("objectlayer"),
                    spec.integer("deeplayer"), Integer.parseInt(spec.choice("neighbours")),
                    spec.choice("border").equals("clamp")),
            ParamDef.keep(DEFAULT_KEEP),
            ParamDef.count(),
            ParamDef.real("alpha", 0, 1, DEFAULT_ALPHA, "share of a frame's budget spent on anchors and their buffers"),
            AttentionScores.scoreParam(DEFAULT_SCORE),
            AttentionScores.layerParam("objectlayer", DEFAULT_OBJECT_LAYER,
                    "middle block whose attention picks anchors"),
            AttentionScores.layerParam("deeplayer", DEFAULT_DEEP_LAYER, "deep block whose attention picks registers"),
            ParamDef.choice("neighbours", String.valueOf(DEFAULT_NEIGHBOURHOOD), "buffer neighbourhood of an anchor",
                    "4", "8"),
            ParamDef.choice("border", "clamp", "neighbours past the grid: clamp = flat index clamped to the frame "
                    + "(HiPrune's code; ±1 wraps across rows), skip = left out", "clamp", "skip"));

    private final Budget budget;
    private final double alpha;
    private final AttentionMaps.Key objectKey;
    private final AttentionMaps.Key deepKey;
    private final int[][] offsets;
    private final boolean clamp;

    /** @param clamp neighbours are clamped flat indices, as HiPrune's code; else grid neighbours inside the grid */
    public HiPrune(Budget budget, double alpha, String score, int objectLayer, int deepLayer, int neighbourhood,
                   boolean clamp) {
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException(NAME + ": alpha must be in [0, 1], got " + alpha);
        }
        if (neighbourhood != 4 && neighbourhood != 8) {
            throw new IllegalArgumentException(NAME + ": neighbourhood must be 4 or 8, got " + neighbourhood);
        }
        this.budget = budget;
        this.alpha = alpha;
        this.objectKey = AttentionScores.key(score, objectLayer);
        this.deepKey = AttentionScores.key(score, deepLayer);
        this.offsets = neighbourhood == 4 ? FOUR : EIGHT;
        this.clamp = clamp;
    }

    @Override
    public AttentionMaps.Request needs() {
        // The two layers may be one block.
        return new AttentionMaps.Request(new java.util.TreeSet<>(java.util.List.of(objectKey.block(), deepKey.block())),
                java.util.Set.of());
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Tokens kept from each frame (0 for frames without tokens): the budget apportioned over the frames. */
    public int[] frameBudgets(TokenSet in) {
        return ReduceChecks.frameBudgets(NAME, ReduceChecks.tokensByFrame(in), budget);
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
        int[] quota = frameBudgets(in);
        int[][] byFrame = ReduceChecks.tokensByFrame(in);
        boolean[] chosen = new boolean[in.size()];
        int kept = 0;
        for (int f = 0; f < byFrame.length; f++) {
            if (byFrame[f].length > 0) {
                kept += selectFrame(in, byFrame[f], quota[f], object, deep, chosen);
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

    private int selectFrame(TokenSet in, int[] tokens, int b, float[] object, float[] deep, boolean[] chosen) {
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
                int p;
                if (clamp) {
                    int flat = Math.clamp((long) r * fi.gridW() + c, 0, fi.gridH() * fi.gridW() - 1);
                    p = in.patchIndex(in.frame(a), flat / fi.gridW(), flat % fi.gridW());
                } else if (r < 0 || r >= fi.gridH() || c < 0 || c >= fi.gridW()) {
                    continue;
                } else {
                    p = in.patchIndex(in.frame(a), r, c);
                }
                int t = in.origin(p);
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
