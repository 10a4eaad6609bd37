package io.glimpse.lm.prune;

import io.glimpse.lm.LayerAttention;
import io.glimpse.lm.LayerPruner;
import io.glimpse.lm.PositionPolicy;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * AIM's progressive in-LLM pruning: at each layer past the first, rank visual tokens by PageRank over that layer's
 * sharpened attention (softmax(scores / τ), five power steps from uniform, d = 0, RMS over heads) and let the top
 * floor(retain·count) of the original visual tokens reach the next layer, retain falling linearly to 0; text stays.
 * Zhong et al., "AIM: Adaptive Inference of Multi-Modal LLMs via Token Merging and Pruning", ICCV 2025
 * (LaVi-Lab/AIM masks pruned tokens; here they and their KV are removed). Defaults: first = layers/2, step 1/8,
 * τ = 0.1, 5 iterations. Parameters: the visual rows [start, start + count) of the prefill, a position policy.
 */
public final class AimLayerPruner implements LayerPruner {
    private final int first;
    private final double step;
    private final int start;
    private final int count;
    private final float temperature;
    private final int iterations;
    private final PositionPolicy policy;

    public AimLayerPruner(int first, double step, int start, int count, float temperature, int iterations, PositionPolicy policy) {
        if (first < 0 || !(step > 0 && step <= 1) || start < 0 || count < 1 || !(temperature > 0) || iterations < 1) {
            throw new IllegalArgumentException("AIM needs first >= 0, step in (0, 1], start >= 0, count >= 1, τ > 0 and"
                    + " iterations >= 1, got first " + first + ", step " + step + ", start " + start + ", count " + count
                    + ", τ " + temperature + ", iterations " + iterations);
        }
        this.first = first;
        this.step = step;
        this.start = start;
        this.count = count;
        this.temperature = temperature;
        this.iterations = iterations;
        this.policy = policy;
    }

    /** The reference schedule scaled to {@code layers}: pruning from the middle layer, 1/8 fewer per layer. */
    public static AimLayerPruner defaults(int layers, int start, int count) {
        return new AimLayerPruner(layers / 2, 0.125, start, count, 0.1f, 5, PositionPolicy.KEEP_ORIGINAL);
    }

    /** Fraction of the original visual tokens that layer {@code layer}'s attention lets through to the next layer. */
    public double retain(int layer) {
        return layer < first ? 1 : Math.max(0, 1 - step * (layer - first + 1));
    }

    @Override
    public boolean actsBefore(int layer) {
        return layer > 0 && retain(layer - 1) < 1;
    }

    @Override
    public int[] keep(int layer, LayerAttention attention) {
        if (attention.past() != 0) {
            throw new IllegalArgumentException("AIM ranks by PageRank over the prefill's square attention; the cache already"
                    + " held " + attention.past() + " tokens");
        }
        int n = attention.rows();
        boolean[] visual = new boolean[n];
        int protectedRows = 0;
        for (int r = 0; r < n; r++) {
            int o = attention.originalRow(r);
            visual[r] = o >= start && o < start + count;
            protectedRows += visual[r] ? 0 : 1;
        }
        int visualKept = (int) Math.floor(retain(layer - 1) * count);
        if (protectedRows + visualKept >= n) {
            return IntStream.range(0, n).toArray();
        }
        double[] importance = importance(attention);
        Integer[] order = IntStream.range(0, n).filter(r -> visual[r]).boxed().toArray(Integer[]::new);
        Arrays.sort(order, (a, b) -> {
            int c = Double.compare(importance[b], importance[a]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        boolean[] keep = new boolean[n];
        for (int r = 0; r < n; r++) {
            keep[r] = !visual[r];
        }
        for (int i = 0; i < visualKept; i++) {
            keep[order[i]] = true;
        }
        return IntStream.range(0, n).filter(r -> keep[r]).toArray();
    }

    /** sqrt(mean over heads of π²), π after the power steps on each head's sharpened attention. */
    double[] importance(LayerAttention attention) {
        int n = attention.rows();
        double[] meanSquare = new double[n];
        for (int h = 0; h < attention.heads(); h++) {
            float[] m = attention.probabilities(h, temperature);
            double[] pi = new double[n];
            Arrays.fill(pi, 1.0 / n);
            for (int it = 0; it < iterations; it++) {
                double[] next = new double[n];
                for (int i = 0; i < n; i++) {
                    double w = pi[i];
                    for (int j = 0; j < attention.visible(i); j++) {
                        next[j] += w * m[i * n + j];
                    }
                }
                pi = next;
            }
            for (int j = 0; j < n; j++) {
                meanSquare[j] += pi[j] * pi[j] / attention.heads();
            }
        }
        for (int j = 0; j < n; j++) {
            meanSquare[j] = Math.sqrt(meanSquare[j]);
        }
        return meanSquare;
    }

    @Override
    public PositionPolicy positions() {
        return policy;
    }
}
