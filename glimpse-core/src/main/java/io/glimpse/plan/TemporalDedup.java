package io.glimpse.plan;

import java.util.ArrayList;
import java.util.List;

/**
 * Drops frames that barely differ from the frame kept before them, keeping the first of every run (vLLM's
 * Efficient Video Sampling, vllm-project/vllm, also always keeps the first frame). Similarity is B-VLLM's
 * ordered-merge one: cosine rescaled
 * to [0,1], s = (1 + cos)/2, and a frame merges into the earlier kept frame when s > threshold
 * (zhuqiangLu/B-VLLM {@code merge_temporal}). Default threshold 0.75 (B-VLLM), i.e. cos > 0.5;
 * comparing with the last kept frame rather than the previous one stops slow drift from being dropped wholesale.
 */
public final class TemporalDedup {
    public static final double DEFAULT_THRESHOLD = 0.75;

    private final double threshold;

    public TemporalDedup() {
        this(DEFAULT_THRESHOLD);
    }

    public TemporalDedup(double threshold) {
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("dedup threshold must be in [0,1], got " + threshold);
        }
        this.threshold = threshold;
    }

    /** Indices of the frames kept, ascending; the first frame is always kept. */
    public int[] keep(List<Candidate> frames) {
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            if (kept.isEmpty()) {
                kept.add(i);
                continue;
            }
            float[] last = frames.get(kept.get(kept.size() - 1)).descriptor();
            double s = (1.0 + Descriptors.cosine(frames.get(i).descriptor(), last)) / 2.0;
            if (s <= threshold) {
                kept.add(i);
            }
        }
        return kept.stream().mapToInt(Integer::intValue).toArray();
    }
}
