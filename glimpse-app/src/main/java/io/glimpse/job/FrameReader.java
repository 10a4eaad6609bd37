package io.glimpse.job;

import io.glimpse.image.RgbImage;
import io.glimpse.io.BadInputException;
import io.glimpse.media.FrameSize;
import io.glimpse.media.Sampling;
import io.glimpse.media.VideoSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;

/**
 * The one loop that turns an image or video file into frames at their decoded size, for every job that feeds frames
 * to a model. Lost time ranges (truncated or corrupt data) go to {@code warnings}, one line each naming the file.
 */
public final class FrameReader {
    private final Consumer<String> warnings;

    public FrameReader(Consumer<String> warnings) {
        this.warnings = warnings;
    }

    /**
     * The sampled frames, at least one and at most {@code limit}.
     *
     * @param tooMany what the user can do when there are more than {@code limit}, ending the error's line
     */
    public List<RgbImage> read(Path file, Sampling sampling, int limit, String tooMany) {
        List<RgbImage> frames = new ArrayList<>();
        each(file, sampling, frame -> {
            if (frames.size() == limit) {
                throw new BadInputException(file + ": more than " + limit + " frames at this sampling; " + tooMany);
            }
            frames.add(frame);
        });
        if (frames.isEmpty()) {
            throw new BadInputException(file + ": no frames decoded");
        }
        return frames;
    }

    /** The first frame: an image, or a video's opening frame. */
    public RgbImage first(Path file) {
        return read(file, Sampling.count(1), 1, "").getFirst();
    }

    /** Passes each sampled frame to {@code sink} without keeping it, and returns how many there were. */
    public int each(Path file, Sampling sampling, Consumer<RgbImage> sink) {
        int n = 0;
        try (VideoSource src = VideoSource.open(file)) {
            Iterator<RgbImage> it = src.frames(sampling, FrameSize.original());
            while (it.hasNext()) {
                sink.accept(it.next());
                n++;
            }
            src.warnings().forEach(warnings);
        }
        return n;
    }
}
