package io.glimpse.plan;

/**
 * Anthropic Claude images: tokens ≈ w·h/750 (rounded up here so a plan never under-counts); an image whose
 * long edge exceeds 1568 px or that would cost more than ~1600 tokens is first scaled down keeping its
 * aspect (Anthropic docs, "Vision": evaluate image size and costs): 1024² → 1399, 1920×1080 → 1460×821 → 1599.
 * Parameters: long-edge cap 1568 px, token cap 1600 (pixel cap 1600·750).
 */
public final class ClaudeCost implements CostModel {
    private static final int LONG_EDGE = 1568;
    private static final int PIXELS_PER_TOKEN = 750;
    private static final long MAX_PIXELS = 1600L * PIXELS_PER_TOKEN;

    @Override
    public String name() {
        return "claude";
    }

    @Override
    public Rung at(int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("frame size must be positive, got " + width + "x" + height);
        }
        double scale = Math.min(1.0, Math.min((double) LONG_EDGE / Math.max(width, height),
                Math.sqrt((double) MAX_PIXELS / ((double) width * height))));
        int w = Math.max(1, (int) Math.floor(width * scale + 1e-9));
        int h = Math.max(1, (int) Math.floor(height * scale + 1e-9));
        long tokens = ((long) w * h + PIXELS_PER_TOKEN - 1) / PIXELS_PER_TOKEN;
        return new Rung(w, h, (int) tokens);
    }
}
