package io.glimpse.plan;

import java.util.ArrayList;
import java.util.List;

/**
 * The baseline every key-frame paper compares with (e.g. LLaVA-Video's {@code load_video}, np.linspace over the
 * video; the lmms-lab/LLaVA-Video-7B-Qwen2 model card's {@code load_video}): N evenly spaced frames, all at one resolution, with N as large as the budget allows.
 * The resolution is the native one (as the target sees it); only when not even one frame fits natively is the
 * largest down-scale on {@link CostModel#SCALES} at which one frame fits used. No parameters.
 */
public final class UniformSample {
    public List<PlannedFrame> select(List<Candidate> frames, Scenes scenes, CostModel model, int budget) {
        for (double s : CostModel.SCALES) {
            Rung[] rungs = ResolutionTrade.rungsAt(frames, model, s);
            int[] picked = evenlySpaced(ResolutionTrade.costs(rungs), budget);
            if (picked.length > 0) {
                List<PlannedFrame> out = new ArrayList<>(picked.length);
                for (int i : picked) {
                    Candidate c = frames.get(i);
                    Rung r = rungs[i];
                    out.add(new PlannedFrame(i, c.timestamp(), scenes.sceneOf()[i], -1, r.width(), r.height(),
                            r.cost()));
                }
                return out;
            }
        }
        throw new IllegalArgumentException("no frame fits a budget of " + budget + " tokens for " + model.name());
    }

    /** The largest N for which frames floor((k + 1/2)·n/N), k < N, cost at most the budget. */
    static int[] evenlySpaced(int[] costs, int budget) {
        int n = costs.length;
        long cheapest = Long.MAX_VALUE;
        for (int c : costs) {
            cheapest = Math.min(cheapest, c);
        }
        for (int count = (int) Math.min(n, budget / cheapest); count > 0; count--) {
            int[] idx = new int[count];
            long total = 0;
            for (int k = 0; k < count; k++) {
                idx[k] = (int) ((2L * k + 1) * n / (2L * count));
                total += costs[idx[k]];
            }
            if (total <= budget) {
                return idx;
            }
        }
        return new int[0];
    }
}
