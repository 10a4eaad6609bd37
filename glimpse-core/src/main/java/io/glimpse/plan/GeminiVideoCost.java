package io.glimpse.plan;

/**
 * Google Gemini video: the API samples a video at 1 fps and tokenizes each sampled frame at a flat rate whatever
 * its size, 258 tokens at the default media resolution and 66 at {@code MEDIA_RESOLUTION_LOW}; audio (32 tokens
 * per second) and the per-second timestamps are not counted here (Gemini API docs, "Video understanding",
 * technical details; "Media resolution"). So one planned frame is one second of video as Gemini sees it: a plan
 * at 1 fps prices the clip Gemini would sample from the chosen seconds, and a smaller frame buys nothing.
 */
public final class GeminiVideoCost implements CostModel {
    private static final int DEFAULT_RATE = 258;
    private static final int LOW_RATE = 66;

    private final boolean low;

    /** @param low {@code MEDIA_RESOLUTION_LOW} instead of the default media resolution */
    public GeminiVideoCost(boolean low) {
        this.low = low;
    }

    @Override
    public String name() {
        return low ? "gemini-video-low" : "gemini-video";
    }

    @Override
    public Rung at(int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("frame size must be positive, got " + width + "x" + height);
        }
        return new Rung(width, height, low ? LOW_RATE : DEFAULT_RATE);
    }
}
