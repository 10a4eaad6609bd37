package io.glimpse.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class LanesTest {
    /** The halving tree written out in scalar code: lane i is paired with lane i ^ s for s = lanes/2 … 1. */
    private static float tree(float[] lanes) {
        float[] v = lanes.clone();
        for (int s = v.length / 2; s >= 1; s /= 2) {
            float[] next = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                next[i] = v[i] + v[i ^ s];
            }
            v = next;
        }
        return v[0];
    }

    @Test
    void sumsInTheHalvingTreeOrderOnEverySpeciesAndEveryCall() {
        GemmTest.assumeVectorApi();
        SplittableRandom rnd = new SplittableRandom(3);
        for (VectorSpecies<Float> species : java.util.List.of(FloatVector.SPECIES_128, FloatVector.SPECIES_256,
                FloatVector.SPECIES_512, FloatVector.SPECIES_PREFERRED)) {
            // Magnitudes 1e-3 … 1e7 of both signs, where a sequential sum and the tree give different bits.
            for (int trial = 0; trial < 20_000; trial++) {
                float[] lanes = new float[species.length()];
                for (int i = 0; i < lanes.length; i++) {
                    lanes[i] = (float) ((rnd.nextBoolean() ? 1 : -1) * Math.pow(10, rnd.nextDouble(-3, 7)));
                }
                float expected = tree(lanes);
                assertThat(Lanes.sum(FloatVector.fromArray(species, lanes, 0))).as("%s trial %d", species, trial)
                        .isEqualTo(expected);
            }
        }
    }
}
