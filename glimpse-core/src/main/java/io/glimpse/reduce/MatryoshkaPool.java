package io.glimpse.reduce;

import io.glimpse.io.BadInputException;
import io.glimpse.tokens.TokenSet;

/**
 * Average-pools each frame's grid with kernel = stride = k, one of M3's nested scales (24×24 → 12×12 → 6×6 → 3×3 →
 * 1×1 for k = 1, 2, 4, 8, 24). Matryoshka Multimodal Models (Cai et al., 2024; mu-cai/matryoshka-mm). Parameter:
 * {@code kernel} in original patches (default 2, 576 → 144 tokens), so scales nest: kernel 2 then 4 equals kernel 4.
 * Rows/columns a kernel does not divide are dropped, as avg_pool2d does (AdaptivePool covers such grids). M3
 * checkpoints are trained on pooled tokens; a model that was not degrades much more at coarse scales (36/9/1).
 */
public final class MatryoshkaPool implements Reducer {
    public static final String NAME = "matryoshka";
    public static final int DEFAULT_KERNEL = 2;

    public static final ReducerMethod METHOD = ReducerMethod.of(NAME, Site.ENCODER,
            "M3 nested scales: average-pool each frame's grid with kernel = stride",
            spec -> new MatryoshkaPool(spec.integer("kernel")),
            ParamDef.integer("kernel", 1, Integer.MAX_VALUE, DEFAULT_KERNEL,
                    "pooling window side, in original patches"));

    private final int kernel;

    public MatryoshkaPool(int kernel) {
        if (kernel < 1) {
            throw new IllegalArgumentException(NAME + ": kernel must be at least 1, got " + kernel);
        }
        this.kernel = kernel;
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
            if (in.frameInfo(f).gridH() < kernel || in.frameInfo(f).gridW() < kernel) {
                throw new BadInputException(NAME + ": kernel " + kernel + " exceeds frame " + f + "'s "
                        + in.frameInfo(f).gridH() + "x" + in.frameInfo(f).gridW() + " grid");
            }
        }
        return GridPooling.pool(in, n -> GridPooling.Axis.fixed(n, kernel), n -> GridPooling.Axis.fixed(n, kernel));
    }
}
