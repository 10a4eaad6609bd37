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

    /**
     * The frames at (or first after, less half a frame) the given instants, e.g. the timestamps of frames a
     * previous pass returned; far-apart instants are reached by seeking instead of decoding everything between.
     */
    static Sampling at(double... timestamps) {
        return new At(timestamps.clone());
    }

    /** Every decoded frame. */
    static Sampling all() {
        return new All();
    }

    /**
     * Every decoded frame whose timestamp lies in one of the spans [from[k], to[k]] (ascending; one may start where the last ends),
     * e.g. the frames between two samples a scene cut fell between; far-apart spans are reached by seeking.
     */
    static Sampling spans(double[] from, double[] to) {
        return new Spans(from.clone(), to.clone());
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

    record At(double[] timestamps) implements Sampling {
        public At {
            for (int i = 0; i < timestamps.length; i++) {
                if (!Double.isFinite(timestamps[i]) || (i > 0 && !(timestamps[i] > timestamps[i - 1]))) {
                    throw new IllegalArgumentException("sampling instants must be finite and increasing, got "
                            + java.util.Arrays.toString(timestamps));
                }
            }
        }
    }

    record All() implements Sampling {
    }

    record Spans(double[] from, double[] to) implements Sampling {
        public Spans {
            if (from.length != to.length) {
                throw new IllegalArgumentException("spans need as many ends as starts, got " + from.length + " and "
                        + to.length);
            }
            for (int k = 0; k < from.length; k++) {
                if (!Double.isFinite(from[k]) || !(to[k] >= from[k]) || !Double.isFinite(to[k])
                        || (k > 0 && !(from[k] >= to[k - 1]))) {
                    throw new IllegalArgumentException("spans must be finite, ascending and not overlap, got "
                            + java.util.Arrays.toString(from) + " to " + java.util.Arrays.toString(to));
                }
            }
        }
    }
}
