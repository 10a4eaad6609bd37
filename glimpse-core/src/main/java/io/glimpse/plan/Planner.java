package io.glimpse.plan;

import io.glimpse.io.BadInputException;
import java.util.ArrayList;
import java.util.List;

/**
 * Entry point: thin the candidates to the requested fps, drop near-repeats when asked ({@link TemporalDedup}, by
 * the share of patches changed when frames carry a {@link FrameLook}), segment scenes ({@link #scenes}),
 * choose frames with the requested method, and return a {@link Plan} that never exceeds the budget.
 * A budget below the cheapest single frame the target can be sent (smallest rung of the cost ladder) is an
 * error naming that cost. Blank and faded frames are set aside while their scene has a better one ({@link #shown}).
 * A target that encodes frames in groups ({@link CostModel#frameStep}) has the copies padding its last group charged
 * to the last frame, within the budget. Without a query, uniform, scenes, clips and quota leave no stretch of the
 * video without a chosen frame longer than 2 × duration / units (units: frames, or clips for key clips;
 * PlanCoverageProperties checks it over durations).
 */
public final class Planner {
    private Planner() {
    }

    public static Plan plan(List<Candidate> candidates, PlanRequest request) {
        return plan(candidates, request, CostModels.forName(request.target()));
    }

    /** Plans under {@code model}, e.g. one built from a loaded checkpoint, instead of the request's target by name. */
    public static Plan plan(List<Candidate> candidates, PlanRequest request, CostModel model) {
        checkCandidates(candidates, request);
        int[] sampled = sample(candidates, request.fps());
        List<Candidate> frames = pick(candidates, sampled);
        if (request.dedup() != null) {
            boolean looks = frames.stream().allMatch(c -> c.look() != null);
            int[] kept = (looks ? TemporalDedup.byChange(request.dedup()) : new TemporalDedup(request.dedup()))
                    .keep(frames);
            for (int k = 0; k < kept.length; k++) {
                kept[k] = sampled[kept[k]];
            }
            sampled = kept;
            frames = pick(candidates, sampled);
        }
        Rung cheapest = cheapest(frames, model);
        int step = model.frameStep();
        if (request.budget() < (long) step * cheapest.cost()) {
            throw new BadInputException("budget of " + request.budget() + " tokens is below the cheapest"
                    + " frame for " + model.name() + ": " + (long) step * cheapest.cost() + " tokens at "
                    + cheapest.width() + "x" + cheapest.height() + (step > 1 ? " (sent in a group of " + step
                    + " with copies of itself)" : ""));
        }
        int budget = methodBudget(frames, model, request.budget(), cheapest);
        Scenes scenes = scenes(frames);
        int[] shown = shown(frames, scenes);
        if (shown.length < frames.size()) {
            scenes = keep(scenes, shown);
            int[] remapped = new int[shown.length];
            for (int k = 0; k < shown.length; k++) {
                remapped[k] = sampled[shown[k]];
            }
            sampled = remapped;
            frames = pick(candidates, sampled);
        }
        List<PlannedFrame> picked = switch (request.method()) {
            case UNIFORM -> new UniformSample().select(frames, scenes, model, budget);
            case SCENES -> new SceneRepresentatives().select(frames, scenes, model, budget);
            case CLIPS -> new KeyClipSelect().select(frames, scenes, relevanceOf(sampled, request.relevance()),
                    model, budget);
            case QUOTA -> new QuotaSelect().select(frames, scenes, relevanceOf(sampled, request.relevance()),
                    model, budget);
        };
        List<PlannedFrame> out = new ArrayList<>(picked.size());
        int total = 0;
        int padding = (step - picked.size() % step) % step;
        for (int k = 0; k < picked.size(); k++) {
            PlannedFrame f = picked.get(k);
            int cost = k == picked.size() - 1 ? (1 + padding) * f.cost() : f.cost();
            out.add(new PlannedFrame(sampled[f.source()], f.timestamp(), f.scene(), f.clip(), f.width(), f.height(),
                    cost));
            total += cost;
        }
        List<Double> cuts = new ArrayList<>();
        for (double t : scenes.cutTimes()) {
            cuts.add(t);
        }
        return new Plan(request.method().id(), model.name(), request.budget(), total, request.fps(), out, cuts);
    }

    /**
     * The scenes plans are made of: {@link PatchSceneDetection} when every frame carries a {@link FrameLook},
     * else the descriptor-based adaptive {@link SceneSegmentation}.
     */
    public static Scenes scenes(List<Candidate> frames) {
        return frames.stream().allMatch(c -> c.look() != null) ? PatchSceneDetection.defaults().segment(frames)
                : SceneSegmentation.adaptive().segment(frames);
    }

    /**
     * Indices of the frames a plan may choose: a blank frame (black, near-uniform) or a frame of a fade (darker than
     * half the scene's brightest shown frame) is set aside when its scene has a frame that is neither, so no
     * method can pick a leader or the bottom of a fade while the scene has something better to show.
     */
    static int[] shown(List<Candidate> frames, Scenes scenes) {
        List<Integer> out = new ArrayList<>();
        for (int s = 0; s < scenes.count(); s++) {
            double brightest = 0;
            for (int i = scenes.start(s); i < scenes.end(s); i++) {
                FrameLook look = frames.get(i).look();
                brightest = look == null || look.blank() ? brightest : Math.max(brightest, look.brightness());
            }
            for (int i = scenes.start(s); i < scenes.end(s); i++) {
                FrameLook look = frames.get(i).look();
                boolean washedOut = look != null && (look.blank() || look.brightness() < 0.5 * brightest);
                if (!washedOut || brightest == 0) {
                    out.add(i);
                }
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The scenes of the frames at the given indices (every scene keeps at least one), cut times unchanged. */
    private static Scenes keep(Scenes scenes, int[] kept) {
        int[] sceneOf = new int[kept.length];
        int[] cuts = new int[scenes.cuts().length];
        for (int k = 0; k < kept.length; k++) {
            sceneOf[k] = scenes.sceneOf()[kept[k]];
            if (k > 0 && sceneOf[k] != sceneOf[k - 1]) {
                cuts[sceneOf[k] - 1] = k;
            }
        }
        return new Scenes(sceneOf, cuts, scenes.cutTimes().clone());
    }

    private static void checkCandidates(List<Candidate> candidates, PlanRequest request) {
        if (candidates.isEmpty()) {
            throw new BadInputException("no candidate frames to plan from");
        }
        int dim = candidates.get(0).descriptor().length;
        for (int i = 0; i < candidates.size(); i++) {
            Candidate c = candidates.get(i);
            if (c.descriptor().length != dim) {
                throw new IllegalArgumentException("frame " + i + " has a descriptor of length "
                        + c.descriptor().length + ", frame 0 of length " + dim);
            }
            if (i > 0 && !(c.timestamp() > candidates.get(i - 1).timestamp())) {
                throw new IllegalArgumentException("candidate timestamps must increase, frame " + i + " is at "
                        + c.timestamp() + " s after " + candidates.get(i - 1).timestamp() + " s");
            }
        }
        if (request.relevance() != null && request.relevance().length != candidates.size()) {
            throw new IllegalArgumentException("relevance has " + request.relevance().length + " scores for "
                    + candidates.size() + " candidate frames");
        }
    }

    /** The first candidate in each 1/fps-second slot counted from the first timestamp. */
    static int[] sample(List<Candidate> candidates, double fps) {
        double t0 = candidates.get(0).timestamp();
        List<Integer> kept = new ArrayList<>();
        long lastSlot = -1;
        for (int i = 0; i < candidates.size(); i++) {
            long slot = (long) Math.floor((candidates.get(i).timestamp() - t0) * fps + 1e-9);
            if (slot > lastSlot) {
                kept.add(i);
                lastSlot = slot;
            }
        }
        return kept.stream().mapToInt(Integer::intValue).toArray();
    }

    private static List<Candidate> pick(List<Candidate> candidates, int[] indices) {
        List<Candidate> out = new ArrayList<>(indices.length);
        for (int i : indices) {
            out.add(candidates.get(i));
        }
        return out;
    }

    /**
     * The budget the methods choose within: for a target that encodes frames in groups, room is kept for the copies
     * that may pad the last group, at the dearest native cost of a frame. When that leaves less than the cheapest
     * frame, the methods get just that frame's cost, which one frame and its copies fit (checked by the caller).
     */
    private static int methodBudget(List<Candidate> frames, CostModel model, int budget, Rung cheapest) {
        int step = model.frameStep();
        if (step == 1) {
            return budget;
        }
        long dearest = 0;
        for (Candidate c : frames) {
            dearest = Math.max(dearest, model.ladder(c.width(), c.height()).get(0).cost());
        }
        return (int) Math.max(cheapest.cost(), budget - (step - 1) * dearest);
    }

    private static Rung cheapest(List<Candidate> frames, CostModel model) {
        Rung best = null;
        for (Candidate c : frames) {
            List<Rung> ladder = model.ladder(c.width(), c.height());
            Rung r = ladder.get(ladder.size() - 1);
            best = best == null || r.cost() < best.cost() ? r : best;
        }
        return best;
    }

    private static double[] relevanceOf(int[] sampled, double[] relevance) {
        if (relevance == null) {
            return null;
        }
        double[] r = new double[sampled.length];
        for (int k = 0; k < sampled.length; k++) {
            r[k] = relevance[sampled[k]];
        }
        return r;
    }
}
