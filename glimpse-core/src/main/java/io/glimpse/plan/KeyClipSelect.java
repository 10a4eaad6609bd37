package io.glimpse.plan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Short clips of consecutive frames instead of isolated frames (F2C, "From Frames to Clips", arXiv 2510.02262, no public code; its rule
 * is unpublished, this is a stated reconstruction). Scenes are cut into slots of clipLength frames, anchored at
 * the most relevant frame (query relevance, else closeness to the scene mean); slots are granted by anchor
 * relevance with a query, scenes taking turns longest first, else in bisection order of time over the whole
 * video (F2C's diversity; no stretch longer than about 2 × duration / clips goes without a clip);
 * clips fill nearest-to-anchor first and {@link ResolutionTrade} picks the size. Defaults: clipLength 4 (F2C's
 * L = 4, s = 2 setting), alpha 0.5, minShortSide 224.
 */
public final class KeyClipSelect {
    public static final int DEFAULT_CLIP_LENGTH = 4;

    private final int clipLength;
    private final double alpha;
    private final int minShortSide;

    public KeyClipSelect() {
        this(DEFAULT_CLIP_LENGTH, ResolutionTrade.DEFAULT_ALPHA, ResolutionTrade.DEFAULT_MIN_SHORT_SIDE);
    }

    public KeyClipSelect(int clipLength, double alpha, int minShortSide) {
        if (clipLength < 1 || !(alpha >= 0) || Double.isInfinite(alpha) || minShortSide < 1) {
            throw new IllegalArgumentException("key clips need clipLength >= 1, finite alpha >= 0 and"
                    + " minShortSide >= 1, got " + clipLength + ", " + alpha + ", " + minShortSide);
        }
        this.clipLength = clipLength;
        this.alpha = alpha;
        this.minShortSide = minShortSide;
    }

    /**
     * @param relevance per-frame query relevance (higher = more relevant), or null without a query
     */
    public List<PlannedFrame> select(List<Candidate> frames, Scenes scenes, double[] relevance, CostModel model,
                                     int budget) {
        if (relevance != null && relevance.length != frames.size()) {
            throw new IllegalArgumentException("relevance has " + relevance.length + " values for "
                    + frames.size() + " frames");
        }
        double[] score = relevance != null ? relevance : typicality(frames, scenes);
        List<int[]> slots = slotOrder(scenes, score, relevance != null);
        int[] slotOf = new int[frames.size()];
        for (int k = 0; k < slots.size(); k++) {
            Arrays.fill(slotOf, slots.get(k)[0], slots.get(k)[1], k);
        }
        ResolutionTrade.Choice choice = ResolutionTrade.choose(frames, model, budget,
                (costs, b) -> fill(slots, costs, b), alpha, minShortSide);
        int[] clipOfSlot = new int[slots.size()];
        Arrays.fill(clipOfSlot, -1);
        int nextClip = 0;
        List<PlannedFrame> out = new ArrayList<>(choice.selected().length);
        for (int i : choice.selected()) {
            if (clipOfSlot[slotOf[i]] < 0) {
                clipOfSlot[slotOf[i]] = nextClip++;
            }
            Rung r = choice.rungs()[i];
            out.add(new PlannedFrame(i, frames.get(i).timestamp(), scenes.sceneOf()[i], clipOfSlot[slotOf[i]],
                    r.width(), r.height(), r.cost()));
        }
        return out;
    }

    /** Cosine of each frame to its scene's mean descriptor. */
    private static double[] typicality(List<Candidate> frames, Scenes scenes) {
        double[] t = new double[frames.size()];
        for (int s = 0; s < scenes.count(); s++) {
            float[] mean = Descriptors.mean(frames, scenes.start(s), scenes.end(s));
            for (int i = scenes.start(s); i < scenes.end(s); i++) {
                t[i] = Descriptors.cosine(frames.get(i).descriptor(), mean);
            }
        }
        return t;
    }

    /** Slots as {from, to, anchor}, in the order clips are granted. */
    private List<int[]> slotOrder(Scenes scenes, double[] score, boolean byScore) {
        List<List<int[]>> perScene = new ArrayList<>();
        for (int s = 0; s < scenes.count(); s++) {
            List<int[]> slots = new ArrayList<>();
            for (int from = scenes.start(s); from < scenes.end(s); from += clipLength) {
                int to = Math.min(scenes.end(s), from + clipLength);
                int anchor = from;
                for (int i = from + 1; i < to; i++) {
                    anchor = score[i] > score[anchor] ? i : anchor;
                }
                slots.add(new int[] {from, to, anchor});
            }
            perScene.add(byScore ? byAnchorScore(slots, score) : slots);
        }
        if (!byScore) {
            // Without a query the clips spread over the whole video, each halving the widest gap left, so scenes get
            // clips by duration and no stretch goes uncovered for long.
            return bisection(perScene.stream().flatMap(List::stream).toList());
        }
        Integer[] sceneOrder = new Integer[scenes.count()];
        for (int s = 0; s < sceneOrder.length; s++) {
            sceneOrder[s] = s;
        }
        Arrays.sort(sceneOrder, Comparator.comparingInt((Integer s) -> scenes.start(s) - scenes.end(s))
                .thenComparingInt(s -> s));
        int total = perScene.stream().mapToInt(List::size).sum();
        List<int[]> order = new ArrayList<>(total);
        for (int round = 0; order.size() < total; round++) {
            for (int s : sceneOrder) {
                if (round < perScene.get(s).size()) {
                    order.add(perScene.get(s).get(round));
                }
            }
        }
        return order;
    }

    private static List<int[]> byAnchorScore(List<int[]> slots, double[] score) {
        List<int[]> sorted = new ArrayList<>(slots);
        sorted.sort(Comparator.comparingDouble((int[] slot) -> -score[slot[2]]).thenComparingInt(slot -> slot[0]));
        return sorted;
    }

    /** Slots in van der Corput order of their anchors' times (1/2, 1/4, 3/4, 1/8, ...): each new slot halves a gap. */
    private static List<int[]> bisection(List<int[]> slots) {
        List<int[]> order = new ArrayList<>(slots.size());
        double[] anchors = slots.stream().mapToDouble(slot -> slot[2]).toArray();
        double length = slots.isEmpty() ? 0 : slots.get(slots.size() - 1)[1];
        for (int idx : Bisection.byPosition(anchors, length)) {
            order.add(slots.get(idx));
        }
        return order;
    }

    /** Clips in grant order, each frame nearest its anchor first, skipping frames the budget cannot take. */
    private static int[] fill(List<int[]> slots, int[] costs, int budget) {
        long remaining = budget;
        int cheapest = Arrays.stream(costs).min().orElse(Integer.MAX_VALUE);
        List<Integer> picked = new ArrayList<>();
        for (int[] slot : slots) {
            if (remaining < cheapest) {
                break;
            }
            Integer[] members = new Integer[slot[1] - slot[0]];
            for (int i = 0; i < members.length; i++) {
                members[i] = slot[0] + i;
            }
            Arrays.sort(members,
                    Comparator.comparingInt((Integer i) -> Math.abs(i - slot[2])).thenComparingInt(i -> i));
            for (int i : members) {
                if (costs[i] <= remaining) {
                    picked.add(i);
                    remaining -= costs[i];
                }
            }
        }
        return picked.stream().mapToInt(Integer::intValue).sorted().toArray();
    }
}
