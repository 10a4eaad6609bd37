package io.glimpse.plan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Query-aware frame budgets (QuoTA, arXiv 2503.08689; MAC-AutoML/QuoTA): {@link QuotaAllocation} gives each
 * frame a share of the budget from its query relevance, and each frame is sent at the largest size of its
 * {@link CostModel#ladder} that its share pays for; a share below the cheapest size drops the frame, as QuoTA's
 * n_t = 0 does. QuoTA then pools each frame to exactly n_t tokens; a planner can only choose among the sizes the
 * target accepts, so the tokens that snapping to a size leaves unspent go back to the frames in order of
 * relevance, each taking its next larger size (or its first, if dropped) while the rest of the budget pays for it.
 * Without a query every frame is equally relevant and the shares are equal; ties go in bisection order of time. Parameter: the weight exponent
 * (default 2, QuoTA's {@code weight_scale}).
 */
public final class QuotaSelect {
    private final QuotaAllocation allocation;

    public QuotaSelect() {
        this(new QuotaAllocation());
    }

    public QuotaSelect(QuotaAllocation allocation) {
        this.allocation = allocation;
    }

    /**
     * @param relevance per-frame query relevance, finite and ≥ 0, or null without a query
     */
    public List<PlannedFrame> select(List<Candidate> frames, Scenes scenes, double[] relevance, CostModel model,
                                     int budget) {
        int n = frames.size();
        if (relevance != null && relevance.length != n) {
            throw new IllegalArgumentException("relevance has " + relevance.length + " values for " + n + " frames");
        }
        double[] score = relevance != null ? relevance : new double[n];
        List<List<Rung>> ladders = new ArrayList<>(n);
        int[] nativeCost = new int[n];
        for (int i = 0; i < n; i++) {
            Candidate c = frames.get(i);
            ladders.add(model.ladder(c.width(), c.height()));
            nativeCost[i] = ladders.get(i).get(0).cost();
        }
        int[] share = allocation.allocate(score, nativeCost, budget);
        // rung[i] indexes ladders.get(i) (0 = native, larger = cheaper); ladder size means "not sent".
        int[] rung = new int[n];
        long spent = 0;
        for (int i = 0; i < n; i++) {
            List<Rung> ladder = ladders.get(i);
            int r = 0;
            while (r < ladder.size() && ladder.get(r).cost() > share[i]) {
                r++;
            }
            rung[i] = r;
            spent += r < ladder.size() ? ladder.get(r).cost() : 0;
        }
        Integer[] byRelevance = new Integer[n];
        for (int i = 0; i < n; i++) {
            byRelevance[i] = i;
        }
        // Equal relevance (always, without a query) is broken in bisection order, so upgrades spread over time.
        int[] spread = Bisection.rank(n);
        Arrays.sort(byRelevance, Comparator.comparingDouble((Integer i) -> -score[i]).thenComparingInt(i -> spread[i]));
        boolean upgraded = true;
        while (upgraded) {
            upgraded = false;
            for (int i : byRelevance) {
                if (rung[i] == 0) {
                    continue;
                }
                List<Rung> ladder = ladders.get(i);
                int now = rung[i] < ladder.size() ? ladder.get(rung[i]).cost() : 0;
                int next = ladder.get(rung[i] - 1).cost();
                if (spent - now + next <= budget) {
                    spent += next - now;
                    rung[i]--;
                    upgraded = true;
                }
            }
        }
        List<PlannedFrame> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (rung[i] < ladders.get(i).size()) {
                Rung r = ladders.get(i).get(rung[i]);
                out.add(new PlannedFrame(i, frames.get(i).timestamp(), scenes.sceneOf()[i], -1, r.width(),
                        r.height(), r.cost()));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no frame fits a budget of " + budget + " tokens for " + model.name());
        }
        return out;
    }
}
