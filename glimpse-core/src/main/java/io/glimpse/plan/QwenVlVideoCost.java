package io.glimpse.plan;

import java.util.List;

/**
 * Qwen2-VL / Qwen2.5-VL frames sent as a video. The video processor resizes every frame with {@code smart_resize}
 * under its own pixel bounds (min 128·28·28, max 768·28·28), then cuts 14-px patches two frames deep
 * ({@code temporal_patch_size} 2) and the language model sees each 2×2 block of them merged: two consecutive frames
 * share one set of (h/28)·(w/28) tokens. An odd frame count is padded by repeating the last frame (transformers
 * {@code models/qwen2_vl/video_processing_qwen2_vl.py}, {@code Qwen2VLVideoProcessor._preprocess}).
 *
 * <p>A frame is charged half of its pair, rounded up, so a pair whose token count is odd is charged one token more
 * than it costs; {@link #frameStep} 2 makes the planner charge the padding copy to the last frame of an odd count.
 * All frames of a video are resized to one size, so the ladder has one rung: a plan trades frames, not pixels.
 */
public final class QwenVlVideoCost implements CostModel {
    static final int DEFAULT_MIN_PIXELS = 128 * 28 * 28;
    static final int DEFAULT_MAX_PIXELS = 768 * 28 * 28;
    private static final int TEMPORAL_PATCH = 2;

    private final QwenVlCost frame;

    public QwenVlVideoCost() {
        this.frame = new QwenVlCost(DEFAULT_MIN_PIXELS, DEFAULT_MAX_PIXELS);
    }

    @Override
    public String name() {
        return "qwen2-vl-video";
    }

    @Override
    public Rung at(int width, int height) {
        Rung pair = frame.at(width, height);
        return new Rung(pair.width(), pair.height(), (pair.cost() + TEMPORAL_PATCH - 1) / TEMPORAL_PATCH);
    }

    @Override
    public List<Rung> ladder(int width, int height) {
        return List.of(at(width, height));
    }

    @Override
    public int frameStep() {
        return TEMPORAL_PATCH;
    }
}
