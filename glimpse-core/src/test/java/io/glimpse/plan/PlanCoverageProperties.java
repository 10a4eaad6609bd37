package io.glimpse.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/**
 * Without a query every method covers the whole video: the longest stretch without a chosen frame (from the start
 * to the first, between two, from the last to the end) is at most 2 × duration / units, units being the frames
 * chosen (uniform, scenes, quota) or the clips (clips, whose frames come in runs).
 */
class PlanCoverageProperties {
    private static final int DIM = 8;

    @Property(tries = 1000)
    void noStretchWithoutAChosenFrameIsLongerThanTwiceDurationOverUnits(
            @ForAll @DoubleRange(min = 5, max = 1800) double duration,
            @ForAll @IntRange(min = 600, max = 40_000) int budget,
            @ForAll PlanMethod method,
            @ForAll long seed) {
        List<Candidate> candidates = video(duration, seed);
        Plan plan = Planner.plan(candidates, new PlanRequest(budget, "llava-1.5", method, 1.0, null));
        double end = candidates.get(candidates.size() - 1).timestamp() + 1;
        List<PlannedFrame> frames = plan.frames();
        long units = method == PlanMethod.CLIPS ? frames.stream().mapToInt(PlannedFrame::clip).distinct().count()
                : frames.size();
        double longest = frames.get(0).timestamp();
        for (int i = 1; i < frames.size(); i++) {
            longest = Math.max(longest, frames.get(i).timestamp() - frames.get(i - 1).timestamp());
        }
        longest = Math.max(longest, end - frames.get(frames.size() - 1).timestamp());
        assertThat(longest).as("%s, %d frames in %d units over %.0f s", method, frames.size(), units, end)
                .isLessThanOrEqualTo(2 * end / units + 1);
    }

    /** Scenes of 1 to 120 s, each a descriptor with a little noise per second. */
    private static List<Candidate> video(double duration, long seed) {
        Random rng = new Random(seed);
        int n = (int) Math.ceil(duration);
        List<Candidate> out = new ArrayList<>(n);
        float[] scene = new float[DIM];
        int left = 0;
        for (int i = 0; i < n; i++) {
            if (left-- == 0) {
                for (int j = 0; j < DIM; j++) {
                    scene[j] = (float) rng.nextGaussian();
                }
                left = rng.nextInt(120);
            }
            float[] v = new float[DIM];
            for (int j = 0; j < DIM; j++) {
                v[j] = scene[j] + (float) (0.05 * rng.nextGaussian());
            }
            out.add(new Candidate(i, 336, 336, v));
        }
        return out;
    }
}
