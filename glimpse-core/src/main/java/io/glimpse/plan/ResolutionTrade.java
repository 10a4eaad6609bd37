package io.glimpse.plan;

import java.util.List;

/**
 * Trades per-frame resolution for frame count under a fixed budget (F2C, arXiv 2510.02262, its step 5 reconstructed from the paper, no public code:
 * K_anchor·L·T_full/s² ≤ K·T_full). For each down-scale s on {@link CostModel#SCALES} every frame is priced at
 * s, a selector picks frames within the budget, and the scale whose pick maximises Σ pixels^alpha wins
 * (alpha &lt; 1: four quarter-size frames beat one full-size frame, as F2C's s = 2, L = 4 setting reports).
 * Scales whose short side falls below minShortSide are used only when nothing fits above it.
 * Defaults: alpha 0.5, minShortSide 224 px (the smallest common encoder input).
 */
final class ResolutionTrade {
    static final double DEFAULT_ALPHA = 0.5;
    static final int DEFAULT_MIN_SHORT_SIDE = 224;

    /** Picks frames (ascending indices) whose costs sum to at most the budget. */
    interface Selector {
        int[] select(int[] costs, int budget);
    }

    /** The winning pick and what each frame costs at its scale. */
    record Choice(Rung[] rungs, int[] selected) {
    }

    private ResolutionTrade() {
    }

    static Choice choose(List<Candidate> frames, CostModel model, int budget, Selector selector, double alpha,
                         int minShortSide) {
        Choice best = null;
        double bestUtility = -1;
        boolean bestAboveFloor = false;
        long previousTotal = Long.MAX_VALUE;
        for (double s : CostModel.SCALES) {
            Rung[] rungs = rungsAt(frames, model, s);
            long total = 0;
            int shortSide = 0;
            for (Rung r : rungs) {
                total += r.cost();
                shortSide = Math.max(shortSide, Math.min(r.width(), r.height()));
            }
            if (total >= previousTotal) {
                continue;
            }
            previousTotal = total;
            int[] picked = selector.select(costs(rungs), budget);
            if (picked.length == 0) {
                continue;
            }
            boolean aboveFloor = s == 1.0 || shortSide >= minShortSide;
            double utility = 0;
            for (int i : picked) {
                utility += Math.pow(rungs[i].pixels(), alpha);
            }
            if (best == null || (aboveFloor && !bestAboveFloor)
                    || (aboveFloor == bestAboveFloor && utility > bestUtility)) {
                best = new Choice(rungs, picked);
                bestUtility = utility;
                bestAboveFloor = aboveFloor;
            }
        }
        if (best == null) {
            throw new IllegalArgumentException("no frame fits a budget of " + budget + " tokens for " + model.name());
        }
        return best;
    }

    /** Every frame priced at down-scale {@code s} (see {@link CostModel#downscaled}). */
    static Rung[] rungsAt(List<Candidate> frames, CostModel model, double s) {
        Rung[] rungs = new Rung[frames.size()];
        for (int i = 0; i < rungs.length; i++) {
            int[] size = CostModel.downscaled(frames.get(i).width(), frames.get(i).height(), s);
            rungs[i] = model.at(size[0], size[1]);
        }
        return rungs;
    }

    static int[] costs(Rung[] rungs) {
        int[] c = new int[rungs.length];
        for (int i = 0; i < c.length; i++) {
            c[i] = rungs[i].cost();
        }
        return c;
    }
}
