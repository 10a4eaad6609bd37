package io.glimpse.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

class PlannerProperties {
    private static final int DIM = 8;

    @Property(tries = 200)
    void everyPlanFitsItsBudgetInTimeOrder(
            @ForAll @DoubleRange(min = 1, max = 7200) double duration,
            @ForAll("sourceRates") int sourceFps,
            @ForAll @DoubleRange(min = 0.05, max = 4) double fps,
            @ForAll @IntRange(min = 1, max = 200_000) int budget,
            @ForAll("targets") String target,
            @ForAll PlanMethod method,
            @ForAll("sizes") int[] size,
            @ForAll boolean withQuery,
            @ForAll("dedups") Double dedup,
            @ForAll long seed) {
        List<Candidate> candidates = video(duration, sourceFps, size, seed);
        double[] relevance = withQuery ? new Random(seed).doubles(candidates.size()).toArray() : null;
        PlanRequest request = new PlanRequest(budget, target, method, fps, relevance, dedup);
        CostModel model = CostModels.forName(target);
        List<Rung> ladder = model.ladder(size[0], size[1]);
        int cheapest = model.frameStep() * ladder.get(ladder.size() - 1).cost();
        if (budget < cheapest) {
            assertThatThrownBy(() -> Planner.plan(candidates, request))
                    .isInstanceOf(io.glimpse.io.BadInputException.class)
                    .hasMessageContaining("below the cheapest frame")
                    .hasMessageContaining(Integer.toString(cheapest));
            return;
        }
        Plan plan = Planner.plan(candidates, request);
        assertThat(plan.frames()).isNotEmpty();
        long total = 0;
        int previous = -1;
        int step = model.frameStep();
        int padding = (step - plan.frames().size() % step) % step;
        for (int k = 0; k < plan.frames().size(); k++) {
            PlannedFrame f = plan.frames().get(k);
            total += f.cost();
            assertThat(f.source()).isGreaterThan(previous);
            assertThat(f.timestamp()).isEqualTo(candidates.get(f.source()).timestamp());
            // The last frame of a target that encodes frames in groups pays for the copies padding its group.
            int copies = k == plan.frames().size() - 1 ? 1 + padding : 1;
            assertThat(copies * model.cost(f.width(), f.height())).isEqualTo(f.cost());
            previous = f.source();
        }
        assertThat(total).isEqualTo(plan.totalCost()).isLessThanOrEqualTo(budget);
        assertThat(plan.method()).isEqualTo(method.id());
    }

    @Provide
    Arbitrary<String> targets() {
        return Arbitraries.of(List.copyOf(CostModels.names()));
    }

    @Provide
    Arbitrary<Double> dedups() {
        return Arbitraries.doubles().between(0, 1).injectNull(0.5);
    }

    @Provide
    Arbitrary<Integer> sourceRates() {
        return Arbitraries.of(1, 2, 4);
    }

    @Provide
    Arbitrary<int[]> sizes() {
        return Arbitraries.of(new int[] {1920, 1080}, new int[] {640, 360}, new int[] {384, 384},
                new int[] {3840, 2160}, new int[] {320, 240}, new int[] {48, 32});
    }

    /** Piecewise-constant scenes of random length with a little noise, one candidate per 1/sourceFps s. */
    private static List<Candidate> video(double duration, int sourceFps, int[] size, long seed) {
        Random rng = new Random(seed);
        int n = Math.max(1, (int) (duration * sourceFps));
        List<Candidate> out = new ArrayList<>(n);
        float[] scene = new float[DIM];
        int left = 0;
        for (int i = 0; i < n; i++) {
            if (left-- == 0) {
                for (int j = 0; j < DIM; j++) {
                    scene[j] = (float) rng.nextGaussian();
                }
                left = 1 + rng.nextInt(200);
            }
            float[] v = new float[DIM];
            for (int j = 0; j < DIM; j++) {
                v[j] = scene[j] + (float) (0.05 * rng.nextGaussian());
            }
            out.add(new Candidate((double) i / sourceFps, size[0], size[1], v));
        }
        return out;
    }
}
