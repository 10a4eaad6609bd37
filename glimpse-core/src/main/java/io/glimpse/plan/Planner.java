package io.glimpse.plan;

import io.glimpse.io.BadInputException;
import java.util.ArrayList;
import java.util.List;

/**
 * Entry point: thin the candidates to the requested fps, drop near-repeats when asked ({@link TemporalDedup}),
 * segment scenes (adaptive {@link SceneSegmentation}),
 * choose frames with the requested method, and return a {@link Plan} that never exceeds the budget.
 * A budget below the cheapest single frame the target can be sent (smallest rung of the cost ladder) is an
 * error naming that cost.
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
            int[] kept = new TemporalDedup(request.dedup()).keep(frames);
            for (int k = 0; k < kept.length; k++) {
                kept[k] = sampled[kept[k]];
            }
            sampled = kept;
            frames = pick(candidates, sampled);
        }
        Rung cheapest = cheapest(frames, model);
        if (request.budget() < cheapest.cost()) {
            throw new BadInputException("budget of " + request.budget() + " tokens is below the cheapest"
                    + " frame for " + model.name() + ": " + cheapest.cost() + " tokens at " + cheapest.width() + "x"
                    + cheapest.height());
        }
        Scenes scenes = SceneSegmentation.adaptive().segment(frames);
        List<PlannedFrame> picked = switch (request.method()) {
            case UNIFORM -> new UniformSample().select(frames, scenes, model, request.budget());
            case SCENES -> new SceneRepresentatives().select(frames, scenes, model, request.budget());
            case CLIPS -> new KeyClipSelect().select(frames, scenes, relevanceOf(sampled, request.relevance()),
                    model, request.budget());
            case QUOTA -> new QuotaSelect().select(frames, scenes, relevanceOf(sampled, request.relevance()),
                    model, request.budget());
        };
        List<PlannedFrame> out = new ArrayList<>(picked.size());
        int total = 0;
        for (PlannedFrame f : picked) {
            out.add(new PlannedFrame(sampled[f.source()], f.timestamp(), f.scene(), f.clip(), f.width(), f.height(),
                    f.cost()));
            total += f.cost();
        }
        List<Double> cuts = new ArrayList<>();
        for (double t : scenes.cutTimes()) {
            cuts.add(t);
        }
        return new Plan(request.method().id(), model.name(), request.budget(), total, request.fps(), out, cuts);
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
