package io.glimpse.lm;

import java.util.Arrays;

/**
 * An attention mask over a call's rows: query i may attend to keys 0..visibleEnd(i)-1, less the holes a tree mask
 * punches in that range. Causal and frame-wise block-causal masks are prefixes, so one int per row stores them,
 * and attention kernels can bound their key loops by it instead of testing each pair; a draft tree's mask (each
 * node sees its ancestors and itself) also keeps, per row, which keys of its prefix it sees. Built by
 * {@link AttentionMasks}.
 */
public final class AttentionMask {
    private final int[] visibleEnd;
    /** Row-major [rows × rows]: whether query i sees key j, for masks that are not prefixes; else null. */
    private final boolean[] seen;

    AttentionMask(int[] visibleEnd) {
        this(visibleEnd, null);
    }

    AttentionMask(int[] visibleEnd, boolean[] seen) {
        if (seen != null && seen.length != visibleEnd.length * visibleEnd.length) {
            throw new IllegalArgumentException("a mask of " + visibleEnd.length + " rows needs " + visibleEnd.length * visibleEnd.length
                    + " entries, got " + seen.length);
        }
        for (int i = 0; i < visibleEnd.length; i++) {
            if (visibleEnd[i] <= i || visibleEnd[i] > visibleEnd.length) {
                throw new IllegalArgumentException("row " + i + " sees up to " + visibleEnd[i]
                        + ", outside (" + i + ", " + visibleEnd.length + "]");
            }
        }
        this.visibleEnd = visibleEnd;
        this.seen = seen;
    }

    /** Whether some query cannot see a key below its {@link #visibleEnd} (a tree mask), so kernels must test pairs. */
    public boolean hasHoles() {
        return seen != null;
    }

    /** Sequence length (rows = columns). */
    public int length() {
        return visibleEnd.length;
    }

    /** One past the last key query i may attend to. */
    public int visibleEnd(int query) {
        return visibleEnd[query];
    }

    public boolean allowed(int query, int key) {
        if (key < 0 || key >= visibleEnd.length) {
            throw new IndexOutOfBoundsException("key " + key + " outside a mask of length " + visibleEnd.length);
        }
        return key < visibleEnd[query] && (seen == null || seen[query * visibleEnd.length + key]);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AttentionMask m && Arrays.equals(visibleEnd, m.visibleEnd) && Arrays.equals(seen, m.seen);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(visibleEnd) + Arrays.hashCode(seen);
    }

    @Override
    public String toString() {
        return "AttentionMask" + Arrays.toString(visibleEnd);
    }
}
