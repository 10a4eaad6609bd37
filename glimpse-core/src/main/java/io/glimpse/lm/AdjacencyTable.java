package io.glimpse.lm;

import java.util.Arrays;

/**
 * Token Recycling's adjacency matrix A[vocab × k] (Luo et al., ACL 2025): for every token, the k most probable
 * successors the model predicted the last time it saw that token in a verification forward, best first. Candidates
 * the verification would otherwise throw away are "recycled" into the next draft. Starts all zeros, as the
 * reference's does, and is kept across generations (a hot start) until {@link #reset}. Not thread-safe: one per
 * conversation or session.
 */
public final class AdjacencyTable {
    private final int vocab;
    private final int k;
    private final int[] next;

    public AdjacencyTable(int vocab, int k) {
        if (vocab < 1 || k < 1) {
            throw new IllegalArgumentException("an adjacency table needs a vocabulary and k of at least 1, got " + vocab + " and " + k);
        }
        this.vocab = vocab;
        this.k = k;
        this.next = new int[Math.multiplyExact(vocab, k)];
    }

    /** Candidates kept per token. */
    public int k() {
        return k;
    }

    /** The {@code rank}-th best successor last recorded for {@code token}. */
    public int candidate(int token, int rank) {
        return next[token * k + rank];
    }

    /**
     * Replaces {@code token}'s row with the top k ids of {@code logits[offset .. offset+limit)}, best first, the
     * lower id first on ties (as the greedy sampler breaks them).
     */
    public void update(int token, float[] logits, int offset, int limit) {
        if (token < 0 || token >= vocab || limit < k) {
            throw new IllegalArgumentException("token " + token + " of a table for " + vocab + " tokens, or " + limit + " ids for k = " + k);
        }
        int[] best = new int[k];
        int filled = 0;
        for (int id = 0; id < limit; id++) {
            float v = logits[offset + id];
            if (filled == k && !(v > logits[offset + best[k - 1]])) {
                continue;
            }
            int at = Math.min(filled, k - 1);
            while (at > 0 && v > logits[offset + best[at - 1]]) {
                best[at] = best[at - 1];
                at--;
            }
            best[at] = id;
            filled = Math.min(filled + 1, k);
        }
        System.arraycopy(best, 0, next, token * k, k);
    }

    /** Forgets every recorded successor. */
    public void reset() {
        Arrays.fill(next, 0);
    }
}
