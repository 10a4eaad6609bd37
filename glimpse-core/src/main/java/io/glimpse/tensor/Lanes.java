package io.glimpse.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The sum of a vector's lanes in one fixed order (a halving tree). {@code reduceLanes(ADD)} on floats is not that:
 * the interpreter sums the lanes in sequence while C2's intrinsic adds them as a tree, so the same call gave other bits
 * before and after the JIT compiled it, and a second identical pass through a tower differed from the first.
 */
final class Lanes {
    private static final ConcurrentMap<VectorSpecies<Float>, VectorShuffle<Float>[]> FOLDS = new ConcurrentHashMap<>();
    /** The kernels' own species ({@link KernelSpecies}), kept out of the map lookup that every other species pays. */
    private static final VectorShuffle<Float>[] KERNELS = folds(KernelSpecies.FLOATS);

    private Lanes() {
    }

    static float sum(FloatVector v) {
        VectorShuffle<Float>[] folds = v.species() == KernelSpecies.FLOATS ? KERNELS
                : FOLDS.computeIfAbsent(v.species(), Lanes::folds);
        for (VectorShuffle<Float> fold : folds) {
            v = v.add(v.rearrange(fold));
        }
        return v.lane(0);
    }

    /** For each halving step s = lanes/2 … 1, the shuffle that pairs lane i with lane i ^ s. */
    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] folds(VectorSpecies<Float> species) {
        int steps = Integer.numberOfTrailingZeros(species.length());
        VectorShuffle<Float>[] out = new VectorShuffle[steps];
        for (int k = 0; k < steps; k++) {
            int s = species.length() >> (k + 1);
            out[k] = VectorShuffle.fromOp(species, i -> i ^ s);
        }
        return out;
    }
}
