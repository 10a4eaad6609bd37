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

    /** The next token among ids [0, limit). */
    public int next(float[] logits, int limit) {
        int best = argmax(logits, limit);
        if (temperature == 0) {
            return best;
        }
        Nucleus n = nucleus(logits, limit, best);
        double u = random.nextDouble() * n.mass;
        for (int i = 0; i < n.kept; i++) {
            u -= n.p[n.order[i]];
            if (u < 0) {
                return n.order[i];
            }
        }
        return n.order[n.kept - 1];
    }

    /**
     * The probabilities {@link #next} draws ids [0, limit) with: the renormalised nucleus, or all mass on the argmax
     * when greedy.
     */
    public double[] distribution(float[] logits, int limit) {
        int best = argmax(logits, limit);
        double[] q = new double[limit];
        if (temperature == 0) {
            q[best] = 1;
            return q;
        }
        Nucleus n = nucleus(logits, limit, best);
        for (int i = 0; i < n.kept; i++) {
            q[n.order[i]] = n.p[n.order[i]] / n.mass;
        }
        return q;
    }

    /** An id drawn in proportion to {@code weights} (non-negative, some positive). */
    int draw(double[] weights) {
        double sum = 0;
        int last = -1;
        for (int i = 0; i < weights.length; i++) {
            sum += weights[i];
            if (weights[i] > 0) {
                last = i;
            }
        }
        if (last < 0) {
            throw new IllegalArgumentException("no positive weight to draw from");
        }
        double u = random.nextDouble() * sum;
        for (int i = 0; i < last; i++) {
            u -= weights[i];
            if (u < 0 && weights[i] > 0) {
                return i;
            }
        }
        return last;
    }

    /** True with probability {@code probability}. */
    boolean accept(double probability) {
        return random.nextDouble() < probability;
    }

    private static int argmax(float[] logits, int limit) {
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
        return best;
    }

    /** Unnormalised softmax(logits / T) of ids [0, limit), their order by it, and the nucleus: the first kept, of mass. */
    private record Nucleus(double[] p, Integer[] order, int kept, double mass) {
    }

    private Nucleus nucleus(float[] logits, int limit, int best) {
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
        return new Nucleus(p, order, kept, mass);
    }
}
