package io.glimpse.image;

/**
 * An 8-bit RGB image, interleaved row-major (r,g,b per pixel), with the source time it was taken at.
 *
 * @param timestamp seconds from the start of the video (0 for a still image)
 */
public record RgbImage(int width, int height, byte[] rgb, double timestamp) {
    public RgbImage {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        if (rgb.length != width * height * 3) {
            throw new IllegalArgumentException("rgb holds " + rgb.length + " bytes, expected " + width * height * 3);
        }
    }

    public static RgbImage blank(int width, int height, double timestamp) {
        return new RgbImage(width, height, new byte[width * height * 3], timestamp);
    }

    /** Channel value 0..255 at (x, y), channel c in 0..2. */
    public int get(int x, int y, int c) {
        return rgb[(y * width + x) * 3 + c] & 0xff;
    }
}
