package io.glimpse.plan;

import io.glimpse.image.AnyresGrid;

/**
 * LLaVA-OneVision video frames: SigLIP-so400m at 384 px gives a 27×27 grid that {@code apply_pooling}
 * bilinearly pools to ceil(27/2) = 14 per side, 196 tokens a frame (transformers
 * {@code LlavaOnevisionModel.apply_pooling}).
 * Planning at a lower resolution means pooling to a proportionally smaller grid: a frame whose long edge is
 * L ≤ 384 costs g² with g = ceil(ceil(27·L/384)/2), so 384 → 196, 192 → 49. A single image is charged what the
 * processor expands it to instead ({@link #imageCost}: anyres_max_9 tiling, {@link io.glimpse.image.AnyresGrid}).
 */
public final class LlavaOneVisionCost implements CostModel {
    private static final int SIDE = 384;
    private static final int GRID = 27;
    private static final AnyresGrid ANYRES = AnyresGrid.oneVision();

    @Override
    public String name() {
        return "llava-onevision";
    }

    @Override
    public Rung at(int width, int height) {
        int[] seen = FitWithin.longEdge(width, height, SIDE);
        int longEdge = Math.max(seen[0], seen[1]);
        int grid = (GRID * longEdge + SIDE - 1) / SIDE;
        int pooled = (grid + 1) / 2;
        return new Rung(seen[0], seen[1], pooled * pooled);
    }

    /** Tokens of one image alone in a prompt: the base crop's 729, the unpadded (and capped) tile map, a newline a row. */
    public int imageCost(int width, int height) {
        return ANYRES.tokens(height, width);
    }
}
