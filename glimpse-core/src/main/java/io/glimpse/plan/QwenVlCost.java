package io.glimpse.plan;

/**
 * Qwen2-VL / Qwen2.5-VL frames sent as images: {@code smart_resize} rounds each side to a multiple of 28
 * (round half to even, as Python does), then rescales into [minPixels, maxPixels] keeping the aspect; one
 * token per 28×28 block, so cost = (h/28)·(w/28) (transformers {@code models/qwen2_vl/image_processing_qwen2_vl.py}, {@code smart_resize}).
 * Defaults are the HF image ones: minPixels 56·56, maxPixels 28·28·1280 (≤ 1280 tokens). Aspect > 200 is
 * rejected as Qwen does.
 */
public final class QwenVlCost implements CostModel {
    static final int FACTOR = 28;
    static final int DEFAULT_MIN_PIXELS = 56 * 56;
    static final int DEFAULT_MAX_PIXELS = 28 * 28 * 1280;
    private static final double MAX_ASPECT = 200.0;

    private final int minPixels;
    private final int maxPixels;

    public QwenVlCost() {
        this(DEFAULT_MIN_PIXELS, DEFAULT_MAX_PIXELS);
    }

    public QwenVlCost(int minPixels, int maxPixels) {
        if (minPixels <= 0 || maxPixels < minPixels) {
            throw new IllegalArgumentException("qwen2-vl needs 0 < minPixels <= maxPixels, got "
                    + minPixels + " and " + maxPixels);
        }
        this.minPixels = minPixels;
        this.maxPixels = maxPixels;
    }

    @Override
    public String name() {
        return "qwen2-vl";
    }

    @Override
    public Rung at(int width, int height) {
        int[] hw = smartResize(height, width);
        return new Rung(hw[1], hw[0], (hw[0] / FACTOR) * (hw[1] / FACTOR));
    }

    /** Qwen's smart_resize: returns {height, width}, both multiples of 28. */
    int[] smartResize(int height, int width) {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("frame size must be positive, got " + width + "x" + height);
        }
        if ((double) Math.max(height, width) / Math.min(height, width) > MAX_ASPECT) {
            throw new IllegalArgumentException("qwen2-vl rejects aspect ratios above 200, got "
                    + width + "x" + height);
        }
        int h = Math.max(FACTOR, (int) Math.rint((double) height / FACTOR) * FACTOR);
        int w = Math.max(FACTOR, (int) Math.rint((double) width / FACTOR) * FACTOR);
        if ((long) h * w > maxPixels) {
            double beta = Math.sqrt((double) height * width / maxPixels);
            h = Math.max(FACTOR, (int) Math.floor(height / beta / FACTOR) * FACTOR);
            w = Math.max(FACTOR, (int) Math.floor(width / beta / FACTOR) * FACTOR);
        } else if ((long) h * w < minPixels) {
            double beta = Math.sqrt((double) minPixels / ((double) height * width));
            h = (int) Math.ceil(height * beta / FACTOR) * FACTOR;
            w = (int) Math.ceil(width * beta / FACTOR) * FACTOR;
        }
        return new int[] {h, w};
    }
}
