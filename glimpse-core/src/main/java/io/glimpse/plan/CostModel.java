package io.glimpse.plan;

import java.util.ArrayList;
import java.util.List;

/**
 * What one frame costs a target model, in that model's tokens. Implementations follow the
 * target's documented resize rules, so {@link #at} also says which pixel size the target really sees.
 */
public interface CostModel {
    /** Down-scale factors the planner may apply to a frame: 2^(-k/2), i.e. halving the pixels each step. */
    List<Double> SCALES = scales();

    /** Smallest long edge in pixels the ladder goes down to. */
    int MIN_LONG_EDGE = 64;

    /** The target's name in {@link CostModels#forName}. */
    String name();

    /** What the target sees and charges when sent a frame of {@code width}×{@code height} pixels. */
    Rung at(int width, int height);

    /**
     * Consecutive frames the target encodes into one set of tokens (Qwen2-VL video's temporal patch: 2), each frame
     * charged its share. A last group left short is padded with copies of its final frame; {@link Planner} keeps
     * room for them in the budget and charges them to that frame.
     */
    default int frameStep() {
        return 1;
    }

    default int cost(int width, int height) {
        return at(width, height).cost();
    }

    /**
     * The sizes a frame of the given native size can be sent at, native first, each strictly cheaper than the
     * one before (sizes that cost the same as a larger one are left out since they only lose pixels).
     */
    default List<Rung> ladder(int width, int height) {
        List<Rung> rungs = new ArrayList<>();
        for (double s : SCALES) {
            int[] size = downscaled(width, height, s);
            Rung r = at(size[0], size[1]);
            if (rungs.isEmpty() || r.cost() < rungs.get(rungs.size() - 1).cost()) {
                rungs.add(r);
            }
        }
        return List.copyOf(rungs);
    }

    /** A frame scaled by {@code scale} but never below a long edge of {@link #MIN_LONG_EDGE} (or native). */
    static int[] downscaled(int width, int height, double scale) {
        double floor = Math.min(1.0, (double) MIN_LONG_EDGE / Math.max(width, height));
        return scaled(width, height, Math.max(scale, floor));
    }

    /** {@code width}×{@code height} times {@code scale}, rounded, at least one pixel each way. */
    static int[] scaled(int width, int height, double scale) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("frame size must be positive, got " + width + "x" + height);
        }
        return new int[] {
            Math.max(1, (int) Math.round(width * scale)), Math.max(1, (int) Math.round(height * scale))};
    }

    private static List<Double> scales() {
        List<Double> s = new ArrayList<>();
        for (int k = 0; k <= 12; k++) {
            s.add(Math.pow(2.0, -k / 2.0));
        }
        return List.copyOf(s);
    }
}
