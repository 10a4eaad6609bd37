package io.glimpse.media;

import io.glimpse.image.Resize;
import io.glimpse.image.RgbImage;

/** The size decoded frames are delivered at. */
public sealed interface FrameSize {

    /** Frames as decoded. */
    static FrameSize original() {
        return new Original();
    }

    /** Frames scaled down (area filter) so the longer side is at most maxSide; smaller frames are left alone. */
    static FrameSize maxSide(int maxSide) {
        return new MaxSide(maxSide, Resize.Filter.AREA);
    }

    /** Frames resampled to exactly width x height with the given filter. */
    static FrameSize exact(int width, int height, Resize.Filter filter) {
        return new Exact(width, height, filter);
    }

    RgbImage apply(RgbImage frame);

    record Original() implements FrameSize {
        @Override
        public RgbImage apply(RgbImage frame) {
            return frame;
        }
    }

    record MaxSide(int maxSide, Resize.Filter filter) implements FrameSize {
        public MaxSide {
            if (maxSide <= 0) {
                throw new IllegalArgumentException("max side must be positive, got " + maxSide);
            }
        }

        @Override
        public RgbImage apply(RgbImage frame) {
            return Resize.fitWithin(frame, maxSide, filter);
        }
    }

    record Exact(int width, int height, Resize.Filter filter) implements FrameSize {
        public Exact {
            if (width <= 0 || height <= 0) {
                throw new IllegalArgumentException("frame size must be positive, got " + width + "x" + height);
            }
        }

        @Override
        public RgbImage apply(RgbImage frame) {
            return frame.width() == width && frame.height() == height ? frame
                    : Resize.resize(frame, width, height, filter);
        }
    }
}
