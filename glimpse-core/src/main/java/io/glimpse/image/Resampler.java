package io.glimpse.image;

/** A resize step from one image to another size; {@link Resize}'s Pillow-exact BICUBIC is the one processors use. */
@FunctionalInterface
public interface Resampler {
    RgbImage resize(RgbImage image, int width, int height);
}
