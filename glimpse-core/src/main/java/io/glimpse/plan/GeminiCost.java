package io.glimpse.plan;

/**
 * Google Gemini 2.x: 258 tokens for an image or frame with both sides ≤ 384 px; larger images are cut into
 * 768×768 tiles at 258 each (Gemini API docs, "Image understanding": token counts of images): 1024² → 1032, 1920×1080 → 1548, any frame that fits one tile
 * → 258. Video sent through the video API is a flat 258 per frame, which the one-tile rung reproduces.
 */
public final class GeminiCost implements CostModel {
    private static final int SMALL = 384;
    private static final int TILE = 768;
    private static final int PER_TILE = 258;

    @Override
    public String name() {
        return "gemini";
    }

    @Override
    public Rung at(int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("frame size must be positive, got " + width + "x" + height);
        }
        if (width <= SMALL && height <= SMALL) {
            return new Rung(width, height, PER_TILE);
        }
        int tiles = ((width + TILE - 1) / TILE) * ((height + TILE - 1) / TILE);
        return new Rung(width, height, PER_TILE * tiles);
    }
}
