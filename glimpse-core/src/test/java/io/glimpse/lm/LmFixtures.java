package io.glimpse.lm;

import io.glimpse.io.SafeTensors;

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
        return new LayerAttention(null, new KvCache(1, 1, 2, 16), 1, null, 0, 1, 1, past, originalRows, causal, mean);
    }
}
