package io.glimpse.plan;

/**
 * OpenAI GPT-4o-class images (OpenAI API docs, "Images and vision": calculating costs). High detail: fit within 2048×2048, then scale down so the
 * short side is 768 (small images are not scaled up), count 512-px tiles, cost = 85 + 170·tiles
 * (1024² → 765, 2048×4096 → 1105, 500² → 255, 1920×1080 → 1105). Low detail: a 512×512 view for a flat 85.
 * Parameter: {@code lowDetail} (target {@code gpt-4o} is high, {@code gpt-4o-low} low).
 */
public final class OpenAiTileCost implements CostModel {
    private static final int BOX = 2048;
    private static final int SHORT_SIDE = 768;
    private static final int TILE = 512;
    private static final int BASE = 85;
    private static final int PER_TILE = 170;

    private final boolean lowDetail;

    public OpenAiTileCost(boolean lowDetail) {
        this.lowDetail = lowDetail;
    }

    @Override
    public String name() {
        return lowDetail ? "gpt-4o-low" : "gpt-4o";
    }

    @Override
    public Rung at(int width, int height) {
        if (lowDetail) {
            int[] seen = FitWithin.longEdge(width, height, TILE);
            return new Rung(seen[0], seen[1], BASE);
        }
        int[] seen = FitWithin.longEdge(width, height, BOX);
        int shortSide = Math.min(seen[0], seen[1]);
        if (shortSide > SHORT_SIDE) {
            seen = CostModel.scaled(seen[0], seen[1], (double) SHORT_SIDE / shortSide);
        }
        int tiles = ceilDiv(seen[0], TILE) * ceilDiv(seen[1], TILE);
        return new Rung(seen[0], seen[1], BASE + PER_TILE * tiles);
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
