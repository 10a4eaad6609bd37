package io.glimpse.plan;

import io.glimpse.io.BadInputException;
import java.util.ArrayList;
import java.util.List;

/**
 * Drops frames that barely differ from the frame kept before them, keeping the first of every run (vLLM's
 * Efficient Video Sampling, vllm-project/vllm, also always keeps the first frame). Comparing with the last kept
 * frame rather than the previous one stops slow drift from being dropped wholesale.
 *
 * <p>By what changed ({@link #byChange}), for frames with a {@link FrameLook}: a frame is kept when at least
 * minChanged of its cells changed since the last kept frame ({@link PatchChange#share} with the scene detector's
 * radius and tolerance). EVS and B-VLLM decide on the tokens of one position over time, not on a frame vector; a
 * frame average hides a person walking through a still shot, a share of positions does not. Default minChanged
 * 0.02: on a 16×9 grid three cells, about what a walking person covers.
 *
 * <p>By descriptor similarity, for frames without one: B-VLLM's ordered-merge rule, s = (1 + cos)/2 of the frame
 * descriptors, and a frame merges into the earlier kept frame when s > threshold (zhuqiangLu/B-VLLM
 * {@code merge_temporal}). Default threshold 0.75 (B-VLLM), i.e. cos > 0.5.
 */
public final class TemporalDedup {
    public static final double DEFAULT_THRESHOLD = 0.75;
    public static final double DEFAULT_MIN_CHANGED = 0.02;

    private final double threshold;
    private final double minChanged;

    public TemporalDedup() {
        this(DEFAULT_THRESHOLD);
    }

    /** By descriptor similarity with the given threshold, and by change with the default share. */
    public TemporalDedup(double threshold) {
        this(threshold, DEFAULT_MIN_CHANGED);
    }

    private TemporalDedup(double threshold, double minChanged) {
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new BadInputException("dedup threshold must be in [0,1], got " + threshold);
        }
        if (!(minChanged >= 0 && minChanged <= 1)) {
            throw new BadInputException("dedup threshold (share of patches that must change) must be in"
                    + " [0,1], got " + minChanged);
        }
        this.threshold = threshold;
        this.minChanged = minChanged;
    }

    /** By what changed: keeps frames of which at least minChanged of the cells changed since the last kept one. */
    public static TemporalDedup byChange(double minChanged) {
        return new TemporalDedup(DEFAULT_THRESHOLD, minChanged);
    }

    /** Indices of the frames kept, ascending; the first frame is always kept. */
    public int[] keep(List<Candidate> frames) {
        boolean looks = frames.stream().allMatch(c -> c.look() != null);
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            if (kept.isEmpty()) {
                kept.add(i);
                continue;
            }
            Candidate last = frames.get(kept.get(kept.size() - 1));
            Candidate c = frames.get(i);
            boolean fresh = looks
                    ? PatchChange.share(last.look(), c.look(), PatchSceneDetection.DEFAULT_RADIUS,
                            PatchSceneDetection.DEFAULT_TOLERANCE) >= minChanged
                    : (1.0 + Descriptors.cosine(c.descriptor(), last.descriptor())) / 2.0 <= threshold;
            if (fresh) {
                kept.add(i);
            }
        }
        return kept.stream().mapToInt(Integer::intValue).toArray();
    }
}
