package io.glimpse.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.glimpse.io.BadInputException;
import java.util.List;

/**
 * The frames to send, at which size, and what they cost; written by the CLI as plan.json.
 * The constructor enforces the planner's promises: cost adds up, never exceeds the budget, frames in time
 * order without duplicates.
 *
 * @param method    {@code uniform|scenes|clips}
 * @param target    cost model name
 * @param budget    tokens allowed
 * @param totalCost tokens spent, the sum of the frames' costs
 * @param fps       sampling rate the candidates were thinned to
 * @param frames    chosen frames in time order
 * @param cuts      scene cut times in seconds (start of every scene after the first)
 */
public record Plan(String method, String target, int budget, int totalCost, double fps, List<PlannedFrame> frames,
                   List<Double> cuts) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public Plan {
        frames = List.copyOf(frames);
        cuts = List.copyOf(cuts);
        long sum = 0;
        for (int i = 0; i < frames.size(); i++) {
            sum += frames.get(i).cost();
            if (i > 0 && !(frames.get(i).timestamp() > frames.get(i - 1).timestamp())) {
                throw new IllegalArgumentException("plan frames must be in strictly increasing time, frame " + i
                        + " is at " + frames.get(i).timestamp() + " s");
            }
        }
        if (sum != totalCost) {
            throw new IllegalArgumentException("plan total cost " + totalCost + " differs from its frames' sum " + sum);
        }
        if (totalCost > budget) {
            throw new IllegalArgumentException("plan cost " + totalCost + " exceeds its budget " + budget);
        }
    }

    /** The same plan with the scene cuts moved (to the exact frames between the samples they were found at). */
    public Plan withCuts(List<Double> exactCuts) {
        if (exactCuts.size() != cuts.size()) {
            throw new IllegalArgumentException("a plan with " + cuts.size() + " cuts cannot take " + exactCuts.size());
        }
        return new Plan(method, target, budget, totalCost, fps, frames, exactCuts);
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("plan could not be written as JSON", e);
        }
    }

    /** Reads a plan written by {@link #toJson}; malformed or inconsistent plans are bad input. */
    public static Plan fromJson(String json) {
        try {
            return JSON.readValue(json, Plan.class);
        } catch (JsonProcessingException e) {
            throw new BadInputException("plan JSON is malformed or inconsistent: "
                    + e.getOriginalMessage().lines().findFirst().orElse(""), e);
        }
    }
}
