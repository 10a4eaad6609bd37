package io.glimpse.lm;

import io.glimpse.io.BadInputException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The static shape of a speculative draft: a root (the last accepted token) and nodes each naming its parent and
 * its child rank, the rank-th candidate successor of the parent's token. Token Recycling (Luo et al., "Turning
 * Trash into Treasure: Accelerating Inference of Large Language Models with Token Recycling", ACL 2025) verifies
 * such a tree in one forward; its template is data ({@link #recycling()}), so other shapes can be tried with
 * {@link #parse}. Nodes are ordered so every parent comes before its children, which the tree mask and the KV
 * compaction of the accepted path rely on.
 */
public final class DraftTree {
    private static final String RECYCLING = "recycling-tree.txt";
    private static final String COMPACT = "recycling-tree-compact.txt";

    private final int[] parent;
    private final int[] rank;
    private final int[] depth;
    private final int[][] children;
    private final AttentionMask mask;

    private DraftTree(int[] parent, int[] rank, int[] depth) {
        this.parent = parent;
        this.rank = rank;
        this.depth = depth;
        this.mask = AttentionMasks.tree(parent);
        int[] count = new int[parent.length];
        for (int i = 1; i < parent.length; i++) {
            count[parent[i]]++;
        }
        children = new int[parent.length][];
        for (int i = 0; i < parent.length; i++) {
            children[i] = new int[count[i]];
            count[i] = 0;
        }
        for (int i = 1; i < parent.length; i++) {
            children[parent[i]][count[parent[i]]++] = i;
        }
    }

    /** The reference's 80-node template ("2.2.2": 8, 21, 25, 15, 8 and 3 nodes on levels 1 to 6). */
    public static DraftTree recycling() {
        return resource(RECYCLING);
    }

    /**
     * A 7-node tree for CPUs, where verifying a draft costs about a fraction of a decode step per row: the best
     * candidate chained 5 deep, the second best beside it on levels 1 and 2 (the template's header says why).
     */
    public static DraftTree compact() {
        return resource(COMPACT);
    }

    private static DraftTree resource(String name) {
        try (InputStream in = DraftTree.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the class path lacks " + name);
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList(), name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A tree from a template: one node per line, the child ranks from the root down to it separated by blanks
     * ("0 2" is the third candidate after the first); blank lines and lines starting with '#' are skipped. A node's
     * parent must be listed before it.
     *
     * @param source names the template in error messages
     * @throws BadInputException when a line is not a list of non-negative ranks, repeats a node or comes before its
     *                           parent
     */
    public static DraftTree parse(List<String> lines, String source) {
        Map<List<Integer>, Integer> index = new HashMap<>();
        index.put(List.of(), 0);
        List<int[]> nodes = new ArrayList<>();
        nodes.add(new int[] {-1, 0, 0});
        for (int line = 0; line < lines.size(); line++) {
            String text = lines.get(line).strip();
            if (text.isEmpty() || text.startsWith("#")) {
                continue;
            }
            List<Integer> path = new ArrayList<>();
            for (String part : text.split("\\s+")) {
                try {
                    path.add(Integer.parseInt(part));
                } catch (NumberFormatException e) {
                    path.add(-1);
                }
                if (path.getLast() < 0) {
                    throw new BadInputException(source + " line " + (line + 1) + ": '" + part + "' is not a child rank (a non-negative integer)");
                }
            }
            Integer up = index.get(path.subList(0, path.size() - 1));
            if (up == null) {
                throw new BadInputException(source + " line " + (line + 1) + ": node '" + text + "' comes before its parent; "
                        + "a draft tree lists parents first");
            }
            if (index.putIfAbsent(List.copyOf(path), nodes.size()) != null) {
                throw new BadInputException(source + " line " + (line + 1) + ": node '" + text + "' is listed twice");
            }
            nodes.add(new int[] {up, path.getLast(), path.size()});
        }
        int n = nodes.size();
        int[] parent = new int[n];
        int[] rank = new int[n];
        int[] depth = new int[n];
        for (int i = 0; i < n; i++) {
            parent[i] = nodes.get(i)[0];
            rank[i] = nodes.get(i)[1];
            depth[i] = nodes.get(i)[2];
        }
        return new DraftTree(parent, rank, depth);
    }

    /** Rows of a verification: the root and every node. */
    public int size() {
        return parent.length;
    }

    /** The parent row of {@code node}, -1 for the root. */
    public int parent(int node) {
        return parent[node];
    }

    /** Which candidate successor of the parent's token {@code node} drafts (0 for the root). */
    public int rank(int node) {
        return rank[node];
    }

    /** The rows whose parent is {@code node}, in template order. */
    public int[] children(int node) {
        return children[node].clone();
    }

    /** Edges from the root to {@code node}: its position id is the root's plus this. */
    public int depth(int node) {
        return depth[node];
    }

    /** The largest child rank, one less than the candidates per token a table must keep. */
    public int maxRank() {
        int max = 0;
        for (int r : rank) {
            max = Math.max(max, r);
        }
        return max;
    }

    /** Each node sees the cached prefix, its ancestors and itself. */
    public AttentionMask mask() {
        return mask;
    }
}
