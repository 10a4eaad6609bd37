package io.glimpse.plan;

/**
 * Positions 0..n-1 in van der Corput order (1/2, 1/4, 3/4, 1/8, ...): each new position halves the largest gap
 * left, so any prefix of k positions leaves no gap wider than about 2n/k. Shared by the methods that spread frames
 * over time without a query.
 */
final class Bisection {
    private Bisection() {
    }

    /** All of 0..n-1, each once, in bisection order. */
    static int[] order(int n) {
        boolean[] taken = new boolean[n];
        int[] out = new int[n];
        int size = 0;
        for (int k = 1; size < n; k++) {
            int idx = (int) Math.min(n - 1, Math.floor(vanDerCorput(k) * n));
            if (!taken[idx]) {
                taken[idx] = true;
                out[size++] = idx;
            }
        }
        return out;
    }

    /**
     * Indices of {@code positions} (any order, each within [0, length)) in bisection order of time: the k-th pick is
     * the untaken position nearest k's van der Corput point of [0, length). Unlike {@link #order} over indices, this
     * halves gaps in time when the items are unevenly spaced (clips cut short at scene ends).
     */
    static int[] byPosition(double[] positions, double length) {
        int n = positions.length;
        boolean[] taken = new boolean[n];
        int[] out = new int[n];
        for (int k = 1, size = 0; size < n; k++) {
            double target = vanDerCorput(k) * length;
            int best = -1;
            for (int i = 0; i < n; i++) {
                if (!taken[i] && (best < 0 || Math.abs(positions[i] - target) < Math.abs(positions[best] - target))) {
                    best = i;
                }
            }
            taken[best] = true;
            out[size++] = best;
        }
        return out;
    }

    /** rank[i] = where i comes in {@link #order}. */
    static int[] rank(int n) {
        int[] order = order(n);
        int[] rank = new int[n];
        for (int k = 0; k < n; k++) {
            rank[order[k]] = k;
        }
        return rank;
    }

    private static double vanDerCorput(int k) {
        double v = 0;
        double base = 0.5;
        for (int x = k; x > 0; x >>= 1, base /= 2) {
            v += (x & 1) * base;
        }
        return v;
    }
}
