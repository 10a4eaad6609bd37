package io.glimpse.plan;

import java.util.ArrayList;
import java.util.List;

/**
 * Frames that stand for their scenes (TDC's segment-then-summarise; Hoar012/TDC-Video): a frame is the one most
 * typical of its scene (closest to the mean descriptor of the scene's frames around it), and scenes get frames by
 * duration. Where TDC gives every scene a frame before any gets a second, this places frames on time: the video is
 * cut into N equal stretches, N being the frames the budget affords, and each stretch contributes one frame, from
 * the scene with most frames in it not yet represented (else the scene with most frames in it), the frame of that
 * scene within the stretch most typical of them. So a scene shorter than a stretch is represented whenever it
 * shares one with a scene already shown, and no part of the video goes uncovered: the longest stretch without a
 * chosen frame is at most 2 × duration / N (two stretches; stretches without a candidate, left by dedup or blank
 * frames, are added until N frames are found or there are no more). Resolution is traded for frames by
 * {@link ResolutionTrade}. Defaults: alpha 0.5, minShortSide 224.
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
        int n = frames.size();
        int dearest = 0;
        for (int c : costs) {
            dearest = Math.max(dearest, c);
        }
        int wanted = Math.min(n, budget / dearest);
        if (wanted == 0) {
            return new int[0];
        }
        int[] cellOf = new int[n];
        int cells = wanted;
        int used = cellsAt(frames, cells, cellOf);
        while (used < wanted && cells < n) {
            int[] finer = new int[n];
            int more = cellsAt(frames, cells + 1, finer);
            if (more > wanted) {
                break;
            }
            cells++;
            used = more;
            cellOf = finer;
        }
        boolean[] represented = new boolean[scenes.count()];
        int[] picked = new int[used];
        int size = 0;
        for (int from = 0; from < n; ) {
            int to = from;
            while (to < n && cellOf[to] == cellOf[from]) {
                to++;
            }
            int scene = sceneFor(scenes, represented, from, to);
            represented[scene] = true;
            int sFrom = Math.max(from, scenes.start(scene));
            int sTo = Math.min(to, scenes.end(scene));
            picked[size++] = Descriptors.mostTypical(frames, sFrom, sTo);
            from = to;
        }
        return picked;
    }

    /** The scene with most frames in [from, to) that has no frame yet, else the one with most frames there. */
    private static int sceneFor(Scenes scenes, boolean[] represented, int from, int to) {
        int best = -1;
        int bestLength = 0;
        for (int s = scenes.sceneOf()[from]; s <= scenes.sceneOf()[to - 1]; s++) {
            int length = Math.min(to, scenes.end(s)) - Math.max(from, scenes.start(s));
            boolean better = best < 0 || (!represented[s] && represented[best])
                    || (represented[s] == represented[best] && length > bestLength);
            if (length > 0 && better) {
                best = s;
                bestLength = length;
            }
        }
        return best;
    }

    /**
     * Puts each frame in one of {@code cells} equal stretches of time from the first frame to one frame interval
     * past the last; returns how many stretches hold a frame.
     */
    private static int cellsAt(List<Candidate> frames, int cells, int[] cellOf) {
        int n = frames.size();
        double t0 = frames.get(0).timestamp();
        double span = n == 1 ? 1 : (frames.get(n - 1).timestamp() - t0) * n / (n - 1);
        int used = 0;
        for (int i = 0; i < n; i++) {
            cellOf[i] = (int) Math.min(cells - 1, Math.floor((frames.get(i).timestamp() - t0) / span * cells));
            used += i == 0 || cellOf[i] != cellOf[i - 1] ? 1 : 0;
        }
        return used;
    }
}
