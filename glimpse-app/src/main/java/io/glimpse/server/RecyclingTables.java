package io.glimpse.server;

import io.glimpse.job.AskJob;
import io.glimpse.lm.AdjacencyTable;
import io.glimpse.lm.TokenRecycling;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.Map;

/**
 * Token Recycling's adjacency tables, kept warm across the server's generations ({@code glimpse.speculate}): a table
 * records what the model predicted after each token, so later drafts start from what earlier answers taught it. A
 * table is not thread-safe, so each generation borrows one for itself (the most recently returned one of its
 * speculation mode; a fresh one when all are out) and gives it back afterwards. {@link #reset} forgets everything:
 * idle tables go, and tables out at that moment are dropped when they come back.
 */
final class RecyclingTables {
    private final int vocab;
    private final Map<AskJob.Speculation, Deque<Lease>> idle = new EnumMap<>(AskJob.Speculation.class);
    private long epoch;

    /** A borrowed table, its mode and the reset epoch it belongs to. */
    record Lease(TokenRecycling recycling, AskJob.Speculation mode, long epoch) {
    }

    RecyclingTables(int vocab) {
        this.vocab = vocab;
    }

    /** @throws IllegalArgumentException for {@link AskJob.Speculation#NONE}, which drafts nothing */
    synchronized Lease borrow(AskJob.Speculation mode) {
        Lease l = idle.computeIfAbsent(mode, m -> new ArrayDeque<>()).pollFirst();
        if (l != null) {
            return l;
        }
        var tree = mode.tree().orElseThrow(() -> new IllegalArgumentException("speculation mode " + mode + " drafts nothing"));
        return new Lease(new TokenRecycling(tree, new AdjacencyTable(vocab, 8)), mode, epoch);
    }

    synchronized void giveBack(Lease lease) {
        if (lease.epoch() == epoch) {
            idle.computeIfAbsent(lease.mode(), m -> new ArrayDeque<>()).addFirst(lease);
        }
    }

    /** Forgets every table's recorded successors; returns how many idle tables were dropped. */
    synchronized int reset() {
        int n = idle.values().stream().mapToInt(Deque::size).sum();
        idle.clear();
        epoch++;
        return n;
    }
}
