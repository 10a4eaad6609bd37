package io.glimpse.job;

import io.glimpse.io.Scratch;
import io.glimpse.media.SyntheticVideo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** A generated 25 fps video of varied scenes (hard cuts and fades), kept where it was written for the next run. */
public final class SampleVideo {
    private SampleVideo() {
    }

    /**
     * Writes the video to {@code file} unless it is there already, calling {@code beforeWriting} first; a partial
     * file beside it ({@link Scratch}: removed if the run is interrupted) is renamed into place only when complete.
     */
    public static Path ensure(Path file, int width, int height, double seconds, long seed, Runnable beforeWriting)
            throws IOException {
        if (Files.isRegularFile(file)) {
            return file;
        }
        beforeWriting.run();
        Path partial = Scratch.file(file);
        try {
            new SyntheticVideo(SyntheticVideo.Spec.varied(width, height, 25, seconds, seed)).write(partial);
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
            Scratch.release(partial);
        }
        return file;
    }
}
