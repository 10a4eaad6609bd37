package io.glimpse.reduce;

import io.glimpse.io.BadInputException;
import io.glimpse.tokens.TokenSet;

/**
 * Adaptive average pooling of each frame's grid (any size) to an outH×outW grid, with torch adaptive_avg_pool2d's
 * windows: rows [floor(i·H/outH), ceil((i+1)·H/outH)), likewise for columns. TokenFLEX (Li Auto, arXiv 2504.03154)
 * pools to n×n with N = n² ∈ {64, 144, 256} in a projector trained for it. Parameters: {@code rows},
 * {@code cols} of the output grid (default 12×12 = 144). Overlapping windows are averaged in full, but each patch
 * is credited to one window (see GridPooling).
 */
public final class AdaptivePool implements Reducer {
    public static final String NAME = "adaptivepool";
    public static final int DEFAULT_OUT_H = 12;
    public static final int DEFAULT_OUT_W = 12;

    public static final ReducerMethod METHOD = ReducerMethod.of(NAME, Site.ENCODER,
            "TokenFLEX-style adaptive average pooling of each frame's grid to rows x cols",
            spec -> new AdaptivePool(spec.integer("rows"), spec.integer("cols")),
            ParamDef.integer("rows", 1, Integer.MAX_VALUE, DEFAULT_OUT_H, "output grid rows per frame"),
            ParamDef.integer("cols", 1, Integer.MAX_VALUE, DEFAULT_OUT_W, "output grid columns per frame"));

    private final int outH;
    private final int outW;

    public AdaptivePool(int outH, int outW) {
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException(NAME + ": output grid must be at least 1x1, got " + outH + "x" + outW);
        }
        this.outH = outH;
        this.outW = outW;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public TokenSet apply(TokenSet in, ReduceContext ctx) {
        ReduceChecks.requireTokens(name(), in);
        ReduceChecks.requireFinite(name(), in);
        for (int f = 0; f < in.frameCount(); f++) {
            if (in.frameInfo(f).gridH() < outH || in.frameInfo(f).gridW() < outW) {
                throw new BadInputException(NAME + ": output grid " + outH + "x" + outW + " exceeds frame "
                        + f + "'s " + in.frameInfo(f).gridH() + "x" + in.frameInfo(f).gridW() + " grid");
            }
        }
        return GridPooling.pool(in, n -> GridPooling.Axis.adaptive(n, outH), n -> GridPooling.Axis.adaptive(n, outW));
    }
}
