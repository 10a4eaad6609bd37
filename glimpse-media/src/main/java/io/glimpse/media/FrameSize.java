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

    /**
     * The size a frame of width×height may be converted to straight from the decoder's pixels (FFmpeg's swscale
     * scales while it converts, far cheaper than converting at full size and resizing after), or null to convert
     * at full size and {@link #apply} the resize. Only sizes where a box filter is what is asked for are converted
     * so: planning's descriptions, never a model's input.
     */
    default int[] convertedSize(int width, int height) {
        return null;
    }

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

        /** The size {@link Resize#fitWithin} gives, when the frame is to shrink under the area filter. */
        @Override
        public int[] convertedSize(int width, int height) {
            int longSide = Math.max(width, height);
            if (filter != Resize.Filter.AREA || longSide <= maxSide) {
                return null;
            }
            double scale = (double) maxSide / longSide;
            int w = width >= height ? maxSide : Math.max(1, (int) Math.round(width * scale));
            int h = height > width ? maxSide : Math.max(1, (int) Math.round(height * scale));
            return new int[] {w, h};
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
