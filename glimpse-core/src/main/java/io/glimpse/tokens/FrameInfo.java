package io.glimpse.tokens;

/**
 * One row of a TokenSet's frame table: where a frame came from and how it was cut into patches.
 *
 * @param timestamp source time in seconds
 * @param gridH     patch rows
 * @param gridW     patch columns
 * @param pixelW    width in pixels of the image the grid was cut from
 * @param pixelH    height in pixels of that image
 * @param scene     scene id (0 when unknown)
 * @param clip      clip id (-1 when the frame is not part of a clip)
 */
public record FrameInfo(double timestamp, int gridH, int gridW, int pixelW, int pixelH, int scene, int clip) {
    public FrameInfo {
        if (gridH <= 0 || gridW <= 0) {
            throw new IllegalArgumentException("frame grid must be positive, got " + gridH + "x" + gridW);
        }
        if (!Double.isFinite(timestamp)) {
            throw new IllegalArgumentException("frame timestamp must be finite, got " + timestamp);
        }
    }

    public int patches() {
        return gridH * gridW;
    }

    public FrameInfo withScene(int newScene) {
        return new FrameInfo(timestamp, gridH, gridW, pixelW, pixelH, newScene, clip);
    }

    public FrameInfo withClip(int newClip) {
        return new FrameInfo(timestamp, gridH, gridW, pixelW, pixelH, scene, newClip);
    }
}
