package io.glimpse.plan;

/**
 * The exact frame of a cut found between two samples: among every frame from the one at the last sample before the
 * cut to the one at the first sample after it, the cut goes before the frame that changed most since the frame
 * before it ({@link FrameTrace#change}), blank frames set aside as {@link PatchSceneDetection} does, so that a
 * fade's cut stays at its first black frame. PySceneDetect detects on every frame and gets this for free; here the
 * sampling pass follows every frame it decodes anyway (a coarse luma grid each, read from the decoded planes), so
 * placing a cut costs no decoding when that pass saw all the frames between the two samples. No parameters.
 */
public final class CutRefinement {
    private CutRefinement() {
    }

    /**
     * Time of the first frame of the new scene among the frames of {@code trace} from the one on screen at {@code
     * from} (the last at or before it, give or take the tolerance; however long before, in a sparse stream) to the
     * last at or before {@code to}, or NaN when the trace cannot tell: fewer than two of them, or frames between
     * them went undecoded ({@link FrameTrace#gapBefore}).
     *
     * @param from      the sample before the cut
     * @param to        the sample where the new scene shows
     * @param tolerance how far a frame's timestamp may lie from a sample's and still be its frame (half a frame)
     */
    public static double exactCut(FrameTrace trace, double from, double to, double tolerance) {
        if (!(to >= from) || !(tolerance >= 0)) {
            throw new IllegalArgumentException("a cut span needs to ≥ from and a tolerance ≥ 0, got " + from + " to "
                    + to + " within " + tolerance);
        }
        int end = trace.firstAtOrAfter(Math.nextUp(to + tolerance));
        int first = Math.max(0, Math.min(trace.firstAtOrAfter(Math.nextUp(from + tolerance)) - 1,
                trace.firstAtOrAfter(from - tolerance)));
        if (end - first < 2) {
            return Double.NaN;
        }
        for (int i = first + 1; i < end; i++) {
            if (trace.gapBefore(i)) {
                return Double.NaN;
            }
        }
        int best = end - 1;
        double bestScore = -1;
        int previous = -1;
        for (int i = first; i < end; i++) {
            if (trace.blank(i)) {
                if (previous >= 0 && bestScore < Double.POSITIVE_INFINITY) {
                    // The first black frame after a shown one: where PatchSceneDetection puts a fade's cut.
                    best = i;
                    bestScore = Double.POSITIVE_INFINITY;
                }
                continue;
            }
            if (previous >= 0 && i == previous + 1 && trace.change(i) > bestScore) {
                bestScore = trace.change(i);
                best = i;
            }
            previous = i;
        }
        return trace.time(best);
    }
}
