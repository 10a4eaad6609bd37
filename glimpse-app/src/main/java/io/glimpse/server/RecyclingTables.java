package io.glimpse.server;

import io.glimpse.lm.TokenRecycling;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Token Recycling's adjacency tables, kept warm across the server's generations ({@code glimpse.speculate}): a table
 * records what the model predicted after each token, so later drafts start from what earlier answers taught it. A
 * table is not thread-safe, so each generation borrows one for itself (the most recently returned; a fresh one when
 * all are out) and gives it back afterwards. {@link #reset} forgets everything: idle tables go, and tables out at that
 * moment are dropped when they come back.
 */
final class RecyclingTables {
    private final int vocab;
    private final Deque<Lease> idle = new ArrayDeque<>();
    private long epoch;

    /** A borrowed table and the reset epoch it belongs to. */
    record Lease(TokenRecycling recycling, long epoch) {
    }

    RecyclingTables(int vocab) {
        this.vocab = vocab;
    }

    synchronized Lease borrow() {
        Lease l = idle.pollFirst();
        return l != null ? l : new Lease(TokenRecycling.reference(vocab), epoch);
    }

    synchronized void giveBack(Lease lease) {
        if (lease.epoch() == epoch) {
            idle.addFirst(lease);
        }
    }

    /** Forgets every table's recorded successors; returns how many idle tables were dropped. */
    synchronized int reset() {
        int n = idle.size();
        idle.clear();
        epoch++;
        return n;
    }
}
