package io.glimpse.media;

/** Which frames of a video to take. Each decoded frame is returned at most once, in time order. */
public sealed interface Sampling {

    /** Frames nearest to 0, 1/fps, 2/fps, ... up to the end of the video. */
    static Sampling fps(double fps) {
        return new Fps(fps);
    }

    /** Frames nearest to count instants spread evenly from the first to the last frame (numpy linspace style). */
    static Sampling count(int count) {
        return new Count(count);
    }

    /** Every decoded frame. */
    static Sampling all() {
        return new All();
    }

    record Fps(double fps) implements Sampling {
        public Fps {
            if (!(fps > 0) || Double.isInfinite(fps)) {
                throw new IllegalArgumentException("sampling fps must be positive and finite, got " + fps);
            }
        }
    }

    record Count(int count) implements Sampling {
        public Count {
            if (count <= 0) {
                throw new IllegalArgumentException("sampling count must be positive, got " + count);
            }
        }
    }

    record All() implements Sampling {
    }
}
