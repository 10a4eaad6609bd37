package io.glimpse.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Frames that stand for their scenes (TDC's segment-then-summarise; Hoar012/TDC-Video): every scene first
 * gets one frame (longest scenes first), then further frames go to the scene with the largest
 * length/(frames + 1) (D'Hondt, so frames follow scene duration). A scene given k frames is split into k equal
 * runs and each run contributes the frame closest to its mean descriptor (k = 1: the scene's most typical
 * frame). Resolution is traded for frames by {@link ResolutionTrade}. Defaults: alpha 0.5, minShortSide 224.
 */
public final class SceneRepresentatives {
    private final double alpha;
    private final int minShortSide;

    public SceneRepresentatives() {
        this(ResolutionTrade.DEFAULT_ALPHA, ResolutionTrade.DEFAULT_MIN_SHORT_SIDE);
    }

    public SceneRepresentatives(double alpha, int minShortSide) {
        if (!(alpha >= 0) || Double.isInfinite(alpha) || minShortSide < 1) {
            throw new IllegalArgumentException("scene representatives need finite alpha >= 0 and minShortSide >= 1");
        }
        this.alpha = alpha;
        this.minShortSide = minShortSide;
    }

    public List<PlannedFrame> select(List<Candidate> frames, Scenes scenes, CostModel model, int budget) {
        ResolutionTrade.Choice choice = ResolutionTrade.choose(frames, model, budget,
                (costs, b) -> pick(frames, scenes, costs, b), alpha, minShortSide);
        List<PlannedFrame> out = new ArrayList<>(choice.selected().length);
        for (int i : choice.selected()) {
            Rung r = choice.rungs()[i];
            out.add(new PlannedFrame(i, frames.get(i).timestamp(), scenes.sceneOf()[i], -1, r.width(), r.height(),
                    r.cost()));
        }
        return out;
    }

    private static int[] pick(List<Candidate> frames, Scenes scenes, int[] costs, int budget) {
        int sceneCount = scenes.count();
        int[] count = new int[sceneCount];
        int[] maxCost = new int[sceneCount];
        for (int s = 0; s < sceneCount; s++) {
            for (int i = scenes.start(s); i < scenes.end(s); i++) {
                maxCost[s] = Math.max(maxCost[s], costs[i]);
            }
        }
        PriorityQueue<Integer> queue = new PriorityQueue<>((a, b) -> {
            int byCoverage = Boolean.compare(count[a] > 0, count[b] > 0);
            if (byCoverage != 0) {
                return byCoverage;
            }
            double qa = (double) length(scenes, a) / (count[a] + 1);
            double qb = (double) length(scenes, b) / (count[b] + 1);
            return qa != qb ? Double.compare(qb, qa) : Integer.compare(a, b);
        });
        for (int s = 0; s < sceneCount; s++) {
            queue.add(s);
        }
        long remaining = budget;
        while (!queue.isEmpty()) {
            int s = queue.poll();
            if (count[s] < length(scenes, s) && maxCost[s] <= remaining) {
                count[s]++;
                remaining -= maxCost[s];
                queue.add(s);
            }
        }
        List<Integer> picked = new ArrayList<>();
        for (int s = 0; s < sceneCount; s++) {
            int start = scenes.start(s);
            int len = length(scenes, s);
            for (int p = 0; p < count[s]; p++) {
                int from = start + (int) ((long) p * len / count[s]);
                int to = start + (int) ((long) (p + 1) * len / count[s]);
                picked.add(Descriptors.mostTypical(frames, from, to));
            }
        }
        return picked.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int length(Scenes scenes, int s) {
        return scenes.end(s) - scenes.start(s);
    }
}
