package io.glimpse.plan;

/**
 * LLaVA-1.5: CLIP ViT-L/14 at 336 px, a 24×24 grid, 576 tokens for every image or frame whatever its size
 * (llava-hf/llava-1.5-7b-hf: CLIP ViT-L/14 at 336 px). The model sees the frame fitted into 336 px, so sending it larger buys nothing.
 */
public final class Llava15Cost implements CostModel {
    private static final int SIDE = 336;
    private static final int TOKENS = 576;

    @Override
    public String name() {
        return "llava-1.5";
    }

    @Override
    public Rung at(int width, int height) {
        int[] seen = FitWithin.longEdge(width, height, SIDE);
        return new Rung(seen[0], seen[1], TOKENS);
    }
}
