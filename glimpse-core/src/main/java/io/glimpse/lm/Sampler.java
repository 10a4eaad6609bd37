package io.glimpse.lm;

import io.glimpse.io.BadInputException;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks the next token from logits: greedy (argmax, lowest id on ties), or sampling from softmax(logits / T)
 * restricted to the top-p nucleus (Holtzman et al., "The Curious Case of Neural Text Degeneration", ICLR 2020:
 * the smallest set of most probable tokens whose mass reaches p). A seeded generator makes runs repeatable.
 * Only the first {@code limit} logits compete, so embedding rows padded beyond the tokenizer are never chosen.
 */
public final class Sampler {
    private final double temperature;
    private final double topP;
    private final SplittableRandom random;

    private Sampler(double temperature, double topP, long seed) {
        this.temperature = temperature;
        this.topP = topP;
        this.random = new SplittableRandom(seed);
    }

    public static Sampler greedy() {
        return new Sampler(0, 1, 0);
    }

    /**
     * @param temperature &gt; 0 (0 means greedy)
     * @param topP        nucleus mass in (0, 1]; 1 disables the cut
     */
    public static Sampler sampling(double temperature, double topP, long seed) {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new BadInputException("temperature must be finite and non-negative, got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new BadInputException("top_p must be in (0, 1], got " + topP);
        }
        return new Sampler(temperature, topP, seed);
    }

    /** Whether {@link #next} is the argmax (temperature 0), so a token can be checked against it without drawing. */
    public boolean isGreedy() {
        return temperature == 0;
    }

    /** The next token among ids [0, limit). */
    public int next(float[] logits, int limit) {
        if (limit < 1 || limit > logits.length) {
            throw new IllegalArgumentException("limit " + limit + " outside [1, " + logits.length + "]");
        }
        int best = 0;
        for (int i = 0; i < limit; i++) {
            if (Float.isNaN(logits[i])) {
                throw new IllegalArgumentException("logit " + i + " is NaN");
            }
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        if (temperature == 0) {
            return best;
        }
        double[] p = new double[limit];
        double sum = 0;
        for (int i = 0; i < limit; i++) {
            p[i] = Math.exp((logits[i] - logits[best]) / temperature);
            sum += p[i];
        }
        Integer[] order = new Integer[limit];
        for (int i = 0; i < limit; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> p[a] != p[b] ? Double.compare(p[b], p[a]) : Integer.compare(a, b));
        int kept = 0;
        double mass = 0;
        while (kept < limit && (kept == 0 || mass < topP * sum)) {
            mass += p[order[kept++]];
        }
        double u = random.nextDouble() * mass;
        for (int i = 0; i < kept; i++) {
            u -= p[order[i]];
            if (u < 0) {
                return order[i];
            }
        }
        return order[kept - 1];
    }
}
