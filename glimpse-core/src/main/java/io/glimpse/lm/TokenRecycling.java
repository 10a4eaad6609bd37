package io.glimpse.lm;

import io.glimpse.io.BadInputException;

import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * Lossless speculative decoding without a draft model: Token Recycling (Luo et al., "Turning Trash into Treasure:
 * Accelerating Inference of Large Language Models with Token Recycling", ACL 2025; Luowaterbi/TokenRecycling,
 * evaluation/inference_recycling.py). Each step fills a static {@link DraftTree} level by level from the
 * {@link AdjacencyTable} (a node's token is the rank-th recorded successor of its parent's token), runs the root and
 * all nodes in one forward under the tree mask at depth-based positions, takes the model's greedy choice at every
 * node, accepts the deepest node whose every ancestor's choice is the next node on its path, and emits that path
 * plus the choice at its end (the bonus token, the next root). The accepted path's keys and values are moved to
 * contiguous slots and the rest dropped, so the cache is what one-token decoding would have left; the table's row
 * of every node token is overwritten with that node's top-k logits.
 *
 * <p>Greedy only, as the reference: every emitted token is the argmax the one-token loop of {@link Generation}
 * would have taken, so the output is the same token for token, up to float rounding (the verification runs the
 * multi-row kernels, which may round a near-tie the other way). Where the reference picks the longest
 * root-to-leaf path by cumulative matches, this takes the deepest accepted node (the same path, ties to the first
 * listed), and a table row written by two nodes of one draft keeps the later node's (the reference leaves
 * that order to its scatter).
 */
public final class TokenRecycling {
    private final DraftTree tree;
    private final AdjacencyTable table;

    /**
     * @throws IllegalArgumentException when the tree asks for a rank the table does not keep
     */
    public TokenRecycling(DraftTree tree, AdjacencyTable table) {
        if (tree.maxRank() >= table.k()) {
            throw new IllegalArgumentException("the draft tree asks for candidate rank " + tree.maxRank() + ", the table keeps " + table.k());
        }
        this.tree = tree;
        this.table = table;
    }

    /** The reference's 80-node tree over a fresh table of the top 8 successors of every token in [0, vocab). */
    public static TokenRecycling reference(int vocab) {
        return new TokenRecycling(DraftTree.recycling(), new AdjacencyTable(vocab, 8));
    }

    /** Cache slots a generation needs beyond the prompt and the output: one draft's rows. */
    public int extraSlots() {
        return tree.size();
    }

    /**
     * A generation and the verification forwards it took.
     *
     * @param forwards one per draft verified; the first token comes from the prefill's logits
     */
    public record Result(Generation generation, int forwards) {
        /** Tokens emitted per verification forward (accepted draft tokens plus the bonus). */
        public double tokensPerForward() {
            return forwards == 0 ? 0 : (double) (generation.tokens().length - 1) / forwards;
        }
    }

    /**
     * Generates as {@link Generation#run} does, leaving the cache as it would: one token short of the output.
     * The cache needs {@link #extraSlots} slots beyond the prompt and {@code maxNewTokens}.
     *
     * @throws BadInputException when {@code sampler} samples (temperature above 0): acceptance here is greedy
     */
    public Result run(DecoderModel model, KvCache cache, float[] firstLogits, int maxNewTokens, Sampler sampler,
                      int vocabLimit, int[] stopIds, IntConsumer onToken) {
        if (!sampler.isGreedy()) {
            throw new BadInputException("speculative decoding by token recycling is greedy only; use temperature 0");
        }
        if (maxNewTokens < 0) {
            throw new IllegalArgumentException("maxNewTokens must be non-negative, got " + maxNewTokens);
        }
        if (vocabLimit > model.config().vocabSize()) {
            throw new IllegalArgumentException("vocabulary limit " + vocabLimit + " beyond the model's " + model.config().vocabSize());
        }
        int[] out = new int[maxNewTokens];
        if (maxNewTokens == 0) {
            return new Result(new Generation(out, false), 0);
        }
        int root = sampler.next(firstLogits, vocabLimit);
        if (stops(root, stopIds)) {
            return new Result(new Generation(new int[0], true), 0);
        }
        out[0] = root;
        onToken.accept(root);
        int count = 1;
        int forwards = 0;
        int n = tree.size();
        int vocab = model.config().vocabSize();
        while (count < maxNewTokens) {
            int[] tokens = draft(root);
            int start = cache.nextPosition();
            int[] positions = new int[n];
            Arrays.setAll(positions, i -> start + tree.depth(i));
            float[] logits = model.forward(cache, model.embed(tokens), positions, n, null, tree.mask());
            forwards++;
            int[] choice = new int[n];
            for (int i = 0; i < n; i++) {
                choice[i] = sampler.next(Arrays.copyOfRange(logits, i * vocab, (i + 1) * vocab), vocabLimit);
                table.update(tokens[i], logits, i * vocab, vocabLimit);
            }
            int[] path = acceptedPath(tokens, choice);
            int chosen = 0;
            boolean stopped = false;
            while (chosen < path.length && count < maxNewTokens) {
                int next = chosen + 1 < path.length ? tokens[path[chosen + 1]] : choice[path[chosen]];
                chosen++;
                if (stops(next, stopIds)) {
                    stopped = true;
                    break;
                }
                out[count++] = next;
                onToken.accept(next);
                root = next;
            }
            cache.retain(n, Arrays.copyOf(path, chosen), start + chosen);
            if (stopped) {
                return new Result(new Generation(Arrays.copyOf(out, count), true), forwards);
            }
        }
        return new Result(new Generation(out, false), forwards);
    }

    /** The draft below {@code root}, level by level from the table (parents come first, so one pass fills it). */
    private int[] draft(int root) {
        int[] tokens = new int[tree.size()];
        tokens[0] = root;
        for (int i = 1; i < tokens.length; i++) {
            tokens[i] = table.candidate(tokens[tree.parent(i)], tree.rank(i));
        }
        return tokens;
    }

    /** Rows from the root to the deepest node whose path matches the model's choices all the way. */
    private int[] acceptedPath(int[] tokens, int[] choice) {
        boolean[] accepted = new boolean[tokens.length];
        accepted[0] = true;
        int best = 0;
        for (int i = 1; i < tokens.length; i++) {
            int p = tree.parent(i);
            accepted[i] = accepted[p] && tokens[i] == choice[p];
            if (accepted[i] && tree.depth(i) > tree.depth(best)) {
                best = i;
            }
        }
        int[] path = new int[tree.depth(best) + 1];
        for (int i = best, d = path.length - 1; i >= 0; i = tree.parent(i), d--) {
            path[d] = i;
        }
        return path;
    }

    private static boolean stops(int token, int[] stopIds) {
        for (int stop : stopIds) {
            if (token == stop) {
                return true;
            }
        }
        return false;
    }
}
