package io.glimpse.plan;

/**
 * One size a frame can be sent at: the pixel size the target model actually looks at and what that costs.
 *
 * @param width  pixels the target sees across (after its own resize)
 * @param height pixels the target sees down
 * @param cost   tokens of the target for one frame at this size
 */
public record Rung(int width, int height, int cost) {
    public Rung {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("rung size must be positive, got " + width + "x" + height);
        }
        if (cost <= 0) {
            throw new IllegalArgumentException("rung cost must be positive, got " + cost);
        }
    }

    public long pixels() {
        return (long) width * height;
    }
}
