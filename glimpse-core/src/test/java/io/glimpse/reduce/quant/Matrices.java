package io.glimpse.reduce.quant;

import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Random n×d float matrices: Gaussian of varied scale, small integers with duplicates, constant, or zero. */
record Matrices(float[] x, int n, int d) {
    static Arbitrary<Matrices> any() {
        return Combinators.combine(Arbitraries.integers().between(1, 12), Arbitraries.integers().between(1, 6),
                Arbitraries.integers().between(0, 3), Arbitraries.longs()).as((n, d, kind, seed) -> {
                    Random rnd = new Random(seed);
                    float scale = (float) Math.pow(10, rnd.nextInt(5) - 2);
                    float constant = rnd.nextInt(9) - 4;
                    float[] x = new float[n * d];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = switch (kind) {
                            case 0 -> (float) rnd.nextGaussian() * scale;
                            case 1 -> rnd.nextInt(5) - 2;
                            case 2 -> constant;
                            default -> 0f;
                        };
                    }
                    return new Matrices(x, n, d);
                });
    }

    @Override
    public String toString() {
        return n + "x" + d + " " + java.util.Arrays.toString(x);
    }
}
