package io.glimpse.reduce;

import io.glimpse.io.BadInputException;
/**
 * How many tokens a method may keep, in the one convention every method shares.
 *
 * <ul>
 *   <li>{@code keep=f}: keep a fraction f in (0, 1] of the tokens the stage receives: target = max(1, floor(f·n));
 *   <li>{@code k=c}: keep exactly c tokens in total (not per frame or segment; per-group methods apportion c);
 *   <li>{@code r=m}: remove m tokens (ToMe's "r"), target = n − m.
 * </ul>
 * A stage names at most one of them. Budgets that ask for 0 tokens or for more tokens than the stage receives
 * are errors, reported when the stage runs because only then is n known.
 *
 * @param kind  which of the three forms
 * @param value the fraction, count or number of removals
 */
public record Budget(Kind kind, double value) {

    /** The three spec forms, by parameter name. */
    public enum Kind {
        KEEP("keep"), COUNT("k"), REMOVE("r");

        private final String param;

        Kind(String param) {
            this.param = param;
        }

        public String param() {
            return param;
        }
    }

    public Budget {
        boolean ok = switch (kind) {
            case KEEP -> value > 0 && value <= 1;
            case COUNT -> value >= 1 && value == Math.rint(value);
            case REMOVE -> value >= 0 && value == Math.rint(value);
        };
        if (!ok) {
            throw new BadInputException("budget " + kind.param + "=" + ParamDef.format(value) + " is invalid: "
                    + (kind == Kind.KEEP ? "keep must be in (0, 1]" : kind.param + " must be a whole number "
                    + (kind == Kind.COUNT ? "≥ 1" : "≥ 0")));
        }
    }

    public static Budget keep(double fraction) {
        return new Budget(Kind.KEEP, fraction);
    }

    public static Budget count(int tokens) {
        return new Budget(Kind.COUNT, tokens);
    }

    public static Budget remove(int tokens) {
        return new Budget(Kind.REMOVE, tokens);
    }

    /**
     * Number of tokens to keep out of n.
     *
     * @param method name used in the error message
     * @throws IllegalArgumentException when the budget asks for more tokens than there are, or for none
     */
    public int target(int n, String method) {
        if (n <= 0) {
            throw new BadInputException(method + ": received no tokens");
        }
        return switch (kind) {
            case KEEP -> Math.max(1, (int) Math.floor(value * n));
            case COUNT -> {
                if (value > n) {
                    throw new BadInputException(method + ": budget k=" + (long) value + " exceeds the " + n
                            + " tokens it received");
                }
                yield (int) value;
            }
            case REMOVE -> {
                if (value >= n) {
                    throw new BadInputException(method + ": r=" + (long) value + " would remove all of the " + n
                            + " tokens it received");
                }
                yield n - (int) value;
            }
        };
    }

    /**
     * Splits {@code total} tokens over groups (frames, segments): each group gets one, and the rest is shared in
     * proportion to what each group holds beyond that one, with largest-remainder rounding (ties to the earlier
     * group); no group gets more than its size.
     *
     * @param method name used in the error message
     * @throws IllegalArgumentException when total is below the number of groups or above their combined size
     */
    public static int[] apportion(int total, int[] groupSizes, String method) {
        int g = groupSizes.length;
        long capacity = 0;
        for (int s : groupSizes) {
            if (s <= 0) {
                throw new IllegalArgumentException(method + ": cannot apportion a budget to an empty group");
            }
            capacity += s - 1;
        }
        if (total < g) {
            throw new BadInputException(method + ": budget of " + total + " tokens is below the " + g
                    + " groups that each need one");
        }
        if (total - g > capacity) {
            throw new BadInputException(method + ": budget of " + total + " tokens exceeds the "
                    + (capacity + g) + " tokens available");
        }
        long spare = total - g;
        int[] quota = new int[g];
        double[] remainder = new double[g];
        long given = 0;
        for (int i = 0; i < g; i++) {
            double exact = capacity == 0 ? 0 : (double) spare * (groupSizes[i] - 1) / capacity;
            int whole = (int) Math.min(Math.floor(exact), groupSizes[i] - 1);
            quota[i] = 1 + whole;
            remainder[i] = exact - whole;
            given += whole;
        }
        while (given < spare) {
            int best = -1;
            for (int i = 0; i < g; i++) {
                if (quota[i] < groupSizes[i] && (best < 0 || remainder[i] > remainder[best])) {
                    best = i;
                }
            }
            quota[best]++;
            remainder[best] = -1;
            given++;
        }
        return quota;
    }

    /** The spec text, e.g. {@code keep=0.25} or {@code k=64}. */
    @Override
    public String toString() {
        return kind.param + "=" + (kind == Kind.KEEP ? ParamDef.format(value) : String.valueOf((long) value));
    }
}
