package io.glimpse.plan;

import java.util.List;

/**
 * The exact frame of a cut found between two samples: given every frame from the last sample before the cut to
 * the first after it, the cut goes before the frame after the consecutive pair with the largest
 * {@link PatchChange#share} (blank frames set aside as {@link PatchSceneDetection} does, so a fade's cut stays at
 * its first black frame). PySceneDetect detects on every frame and gets this for free; sampling at 1 fps and
 * decoding only the second around each cut costs a small fraction of decoding everything. No parameters beyond
 * the detector's radius and tolerance.
 */
public final class CutRefinement {
    private CutRefinement() {
    }

    /** Index in frames of the first frame of the new scene; frames need looks of one shape, at least two. */
    public static int firstOfNewScene(List<Candidate> frames) {
        if (frames.size() < 2) {
            throw new IllegalArgumentException("a cut lies between two frames, got " + frames.size());
        }
        int best = frames.size() - 1;
        double bestShare = -1;
        int previous = -1;
        for (int i = 0; i < frames.size(); i++) {
            FrameLook look = frames.get(i).look();
            if (look == null) {
                throw new IllegalArgumentException("frame " + i + " carries no frame look");
            }
            if (look.blank()) {
                if (previous >= 0 && bestShare < 1.5) {
                    // The first black frame after a shown one: where PatchSceneDetection puts a fade's cut.
                    best = i;
                    bestShare = 1.5;
                }
                continue;
            }
            if (previous >= 0 && i == previous + 1) {
                double share = PatchChange.share(frames.get(previous).look(), look, PatchSceneDetection.DEFAULT_RADIUS,
                        PatchSceneDetection.DEFAULT_TOLERANCE);
                if (share > bestShare) {
                    bestShare = share;
                    best = i;
                }
            }
            previous = i;
        }
        return best;
    }
}
