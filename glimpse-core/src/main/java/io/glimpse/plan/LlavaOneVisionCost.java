package io.glimpse.plan;

import io.glimpse.image.AnyresGrid;

/**
 * LLaVA-OneVision. A video frame: the processor resizes every frame to the tower's square input whatever its size
 * (SigLIP-so400m at 384 px: a 27×27 grid), and {@code apply_pooling} pools the projected grid bilinearly to
 * ⌈g/2⌉ per side, so every frame costs ⌈g/2⌉² rows (196 for so400m) and a smaller frame buys nothing
 * (transformers {@code LlavaOnevisionModel.apply_pooling}; {@code LlavaOnevisionVideoProcessor} resizes to
 * 384×384). The one image_newline after a video's frames is left out. A single image is charged what the processor
 * expands it to instead ({@link #imageCost}: anyres tiling, {@link AnyresGrid}); {@link #loneImage} prices stills so.
 *
 * <p>The default instance counts the released checkpoints' shapes; a loaded checkpoint builds its own from its
 * tower ({@link #LlavaOneVisionCost(int, int, AnyresGrid)}), and the model counts its rows with
 * {@link #pooledSide}, so a plan spends exactly what the model then receives.
 */
public final class LlavaOneVisionCost implements CostModel {
    private final int side;
    private final int grid;
    private final AnyresGrid anyres;

    /** The released checkpoints: 384 px, a 27×27 grid, anyres_max_9. */
    public LlavaOneVisionCost() {
        this(384, 27, AnyresGrid.oneVision());
    }

    /**
     * @param side   the tower's input side in pixels
     * @param grid   the tower's patch grid side
     * @param anyres the tiling of a lone image
     */
    public LlavaOneVisionCost(int side, int grid, AnyresGrid anyres) {
        if (side < 1 || grid < 1) {
            throw new IllegalArgumentException("side and grid must be positive, got " + side + " and " + grid);
        }
        this.side = side;
        this.grid = grid;
        this.anyres = anyres;
    }

    /** A grid side after OneVision's 2×2 bilinear pooling of a video frame: ⌈side/2⌉. */
    public static int pooledSide(int gridSide) {
        return (gridSide + 1) / 2;
    }

    @Override
    public String name() {
        return "llava-onevision";
    }

    @Override
    public Rung at(int width, int height) {
        int[] seen = FitWithin.longEdge(width, height, side);
        int pooled = pooledSide(grid);
        return new Rung(seen[0], seen[1], pooled * pooled);
    }

    /** Tokens of one image alone in a prompt: the base crop's, the unpadded (and capped) tile map, a newline a row. */
    public int imageCost(int width, int height) {
        return anyres.tokens(height, width);
    }

    /**
     * This target's prices for an image sent alone (a still planned on its own), not as a video frame: what the
     * processor expands it to ({@link #imageCost}), seen at the size sent, so a smaller copy buys fewer tiles.
     */
    public CostModel loneImage() {
        return new CostModel() {
            @Override
            public String name() {
                return LlavaOneVisionCost.this.name();
            }

            @Override
            public Rung at(int width, int height) {
                return new Rung(width, height, imageCost(width, height));
            }
        };
    }
}
