package io.glimpse.media;

import java.nio.file.Path;

/**
 * What probing a media file found about its video stream. Still images are one-frame videos: duration 0, fps 0,
 * one frame.
 *
 * @param format             container name as FFmpeg reports it (e.g. "mov,mp4,m4a,3gp,3g2,mj2", "png_pipe")
 * @param width              width of the delivered frames, i.e. after the stream's display rotation
 * @param height             height of the delivered frames, after rotation
 * @param durationSeconds    when the video stream ends on the frames' clock (its own length when stated, else the
 *                           container's), 0 when unknown and for still images
 * @param fps                native (average) frame rate, 0 when unknown
 * @param frameCountEstimate duration times fps, rounded; at least 1
 */
public record VideoInfo(Path path, String format, int width, int height, double fps, double durationSeconds,
                        long frameCountEstimate, boolean still) {

    /** Nominal time between frames in seconds; 1/25 s when the frame rate is unknown, FFmpeg's own default. */
    public double frameDuration() {
        return fps > 0 ? 1.0 / fps : 1.0 / 25;
    }
}
