package io.glimpse.lm;

import io.glimpse.tensor.WeightMatrix;
import java.lang.foreign.MemorySegment;

import io.glimpse.io.SafeTensors;
import io.glimpse.nn.Linear;
import io.glimpse.nn.Norm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The tiny checkpoints and goldens written by fixtures/lm/make_fixtures.py. */
public final class LmFixtures {
    private LmFixtures() {
    }

    public static Path dir(String model) {
        try {
            return Path.of(LmFixtures.class.getResource("/fixtures/lm/" + model).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static SafeTensors golden(String model) {
        try {
            return SafeTensors.read(dir(model).resolve("golden.safetensors"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static float[] floats(SafeTensors golden, String name) {
        return golden.tensors().get(name).toFloats();
    }

    public static int[] ints(SafeTensors golden, String name) {
        return golden.tensors().get(name).toInts();
    }

    public static int[] range(int from, int count) {
        int[] r = new int[count];
        for (int i = 0; i < count; i++) {
            r[i] = from + i;
        }
        return r;
    }

    /** Every value within 1e-4 of the expected one, relative to its magnitude (absolute below 1). */
    public static void assertClose(float[] actual, float[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            double tol = 1e-4 * Math.max(1, Math.abs(expected[i]));
            if (Math.abs(actual[i] - expected[i]) > tol) {
                throw new AssertionError("element " + i + ": " + actual[i] + " vs golden " + expected[i]);
            }
        }
    }

    /** An attention record that holds only the last row's head mean, as pruners read it. */
    public static LayerAttention lastRowAttention(float[] mean, int past, int[] originalRows) {
        int[] causal = new int[originalRows.length];
        java.util.Arrays.setAll(causal, r -> r + 1);
        return new LayerAttention(new KvCache(1, 1, 2, 16), 1, null, 0, 1, 1, past, originalRows, causal, mean);
    }

    /**
     * A decoder of the given shape with seeded random weights (uniform, scaled by fan-in; norms at 1; tied head), for
     * tests that need a decoder of a shape no fixture has.
     */
    public static DecoderModel randomDecoder(DecoderConfig c, long seed) {
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        int d = c.hiddenSize();
        int q = c.heads() * c.headDim();
        int qkv = q + 2 * c.kvHeads() * c.headDim();
        int inter = c.intermediateSize();
        DecoderWeights.Layer[] layers = new DecoderWeights.Layer[c.layers()];
        for (int i = 0; i < layers.length; i++) {
            float[] inputNorm = ones(d);
            float[] qkvW = uniform(random, qkv * d, d);
            float[] qkvB = c.qkvBias() ? uniform(random, qkv, d) : null;
            float[] oW = uniform(random, d * q, q);
            float[] oB = c.oBias() ? uniform(random, d, q) : null;
            float[] postNorm = ones(d);
            float[] gateUpW = uniform(random, 2 * inter * d, d);
            float[] gateUpB = c.mlpBias() ? uniform(random, 2 * inter, d) : null;
            float[] downW = uniform(random, d * inter, inter);
            float[] downB = c.mlpBias() ? uniform(random, d, inter) : null;
            layers[i] = new DecoderWeights.Layer(new Norm.Rms(inputNorm, c.rmsNormEps()), Linear.streamed(qkvW, qkv, d, qkvB),
                    Linear.streamed(oW, d, q, oB), new Norm.Rms(postNorm, c.rmsNormEps()),
                    Linear.streamed(gateUpW, 2 * inter, d, gateUpB), Linear.streamed(downW, d, inter, downB));
        }
        float[] embeddings = uniform(random, Math.multiplyExact(c.vocabSize(), d), 1);
        return new DecoderModel(c, new DecoderWeights(new WeightMatrix.F32(c.vocabSize(), d, MemorySegment.ofArray(embeddings)),
                Linear.streamed(embeddings, c.vocabSize(), d, null), new Norm.Rms(ones(d), c.rmsNormEps()), layers, null, false));
    }

    /** Consecutive position ids for {@code count} tokens that follow what the cache holds. */
    public static int[] nextPositions(KvCache cache, int count) {
        int[] p = new int[count];
        for (int i = 0; i < count; i++) {
            p[i] = cache.nextPosition() + i;
        }
        return p;
    }

    private static float[] ones(int n) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, 1f);
        return a;
    }

    private static float[] uniform(java.util.SplittableRandom random, int n, int fanIn) {
        float bound = (float) Math.sqrt(3.0 / fanIn);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) random.nextDouble(-bound, bound);
        }
        return a;
    }
}
