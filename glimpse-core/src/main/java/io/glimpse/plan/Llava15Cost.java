package io.glimpse.plan;

/**
 * LLaVA-1.5: CLIP ViT-L/14 at 336 px, a 24×24 grid, 576 tokens for every image or frame whatever its size
 * (llava-hf/llava-1.5-7b-hf: CLIP ViT-L/14 at 336 px). The model sees the frame fitted into 336 px, so sending it
 * larger buys nothing. A loaded checkpoint builds its own from its tower ({@link #Llava15Cost(int, int)}).
 */
public final class Llava15Cost implements CostModel {
    private final int side;
    private final int tokens;

    /** The released checkpoints: 336 px, 576 tokens. */
    public Llava15Cost() {
        this(336, 576);
    }

    /**
     * @param side   the tower's input side in pixels
     * @param tokens the tower's patches, one row each
     */
    public Llava15Cost(int side, int tokens) {
        if (side < 1 || tokens < 1) {
            throw new IllegalArgumentException("side and tokens must be positive, got " + side + " and " + tokens);
        }
        this.side = side;
        this.tokens = tokens;
    }

    @Override
    public String name() {
        return "llava-1.5";
    }

    @Override
    public Rung at(int width, int height) {
        int[] seen = FitWithin.longEdge(width, height, side);
        return new Rung(seen[0], seen[1], tokens);
    }
}
