package io.glimpse.lm;

import java.util.Arrays;

/**
 * A prefix attention mask: query i may attend to keys 0..visibleEnd(i)-1. Causal and frame-wise
 * block-causal masks both have this form, so one int per row stores them, and attention kernels can bound
 * their key loops by it instead of testing each pair. Built by {@link AttentionMasks}.
 */
public final class AttentionMask {
    private final int[] visibleEnd;

    AttentionMask(int[] visibleEnd) {
        for (int i = 0; i < visibleEnd.length; i++) {
            if (visibleEnd[i] <= i || visibleEnd[i] > visibleEnd.length) {
                throw new IllegalArgumentException("row " + i + " sees up to " + visibleEnd[i]
                        + ", outside (" + i + ", " + visibleEnd.length + "]");
            }
        }
        this.visibleEnd = visibleEnd;
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
        return key < visibleEnd[query];
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AttentionMask m && Arrays.equals(visibleEnd, m.visibleEnd);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(visibleEnd);
    }

    @Override
    public String toString() {
        return "AttentionMask" + Arrays.toString(visibleEnd);
    }
}
