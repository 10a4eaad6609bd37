package io.glimpse.lm;

import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * Lossless speculative decoding without a draft model: Token Recycling (Luo et al., "Turning Trash into Treasure:
 * Accelerating Inference of Large Language Models with Token Recycling", ACL 2025; Luowaterbi/TokenRecycling,
 * evaluation/inference_recycling.py). Each step fills a static {@link DraftTree} level by level from the
 * {@link AdjacencyTable} (a node's token is the rank-th recorded successor of its parent's token), runs the root and
 * all nodes in one forward under the tree mask at depth-based positions, accepts a path down the tree whose tokens
 * the model would have chosen ({@link #verify}), and emits that path plus the token chosen after its end (the
 * bonus token, the next root). The accepted path's keys and values are moved to
 * contiguous slots and the rest dropped, so the cache is what one-token decoding would have left; the table's row
 * of every node token is overwritten with that node's top-k logits.
 *
 * <p>Greedy decoding, the reference's only mode, emits the argmax the one-token loop of {@link Generation} would
 * have taken at every step, so the output is the same token for token, up to float rounding (the verification
 * runs the multi-row kernels, which may round a near-tie the other way). Sampling (temperature above 0) uses the
 * speculative-sampling acceptance rule, so the output has the distribution plain sampling gives, though not the
 * same tokens for a seed. Where the reference picks the longest root-to-leaf path by cumulative matches, this walks
 * down taking the first matching child (the same path unless a cold table drafts one token twice among siblings),
 * and a table row written by two nodes of one draft keeps the later node's (the reference leaves that order to
 * its scatter).
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
     */
    public Result run(DecoderModel model, KvCache cache, float[] firstLogits, int maxNewTokens, Sampler sampler,
                      int vocabLimit, int[] stopIds, IntConsumer onToken) {
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
            Verdict v = verify(tokens, logits, vocab, sampler, vocabLimit);
            for (int i = 0; i < n; i++) {
                table.update(tokens[i], logits, i * vocab, vocabLimit);
            }
            int[] path = v.path();
            int chosen = 0;
            boolean stopped = false;
            while (chosen < path.length && count < maxNewTokens) {
                int next = chosen + 1 < path.length ? tokens[path[chosen + 1]] : v.bonus();
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

    /** The accepted rows from the root down, and the token drawn after the last of them. */
    private record Verdict(int[] path, int bonus) {
    }

    /**
     * Walks down from the root: at each node, its children are tried in template order, each accepted with its
     * token's probability under what is left of the node's distribution once the children tried before it are
     * removed and the rest renormalised; the first accepted child is the next node, and when none is, the bonus
     * token is drawn from that remainder. Every emitted token thus has the sampler's distribution given the
     * tokens before it (Miao et al., "SpecInfer", ASPLOS 2024, multi-step speculative sampling with
     * deterministic drafts; Leviathan et al., ICML 2023, for one candidate). Under greedy decoding the
     * distribution is all on the argmax, so exactly the child carrying it is accepted and no draw changes anything.
     */
    private Verdict verify(int[] tokens, float[] logits, int vocab, Sampler sampler, int vocabLimit) {
        int[] path = new int[tokens.length];
        int length = 0;
        int node = 0;
        while (true) {
            path[length++] = node;
            double[] p = sampler.distribution(Arrays.copyOfRange(logits, node * vocab, (node + 1) * vocab), vocabLimit);
            double left = 0;
            for (double q : p) {
                left += q;
            }
            int next = -1;
            for (int child : tree.children(node)) {
                int t = tokens[child];
                // A table kept across generations may draft ids beyond this one's limit; they have no probability.
                if (t >= p.length) {
                    continue;
                }
                if (p[t] > 0 && sampler.accept(p[t] / left)) {
                    next = child;
                    break;
                }
                left -= p[t];
                p[t] = 0;
            }
            if (next < 0) {
                return new Verdict(Arrays.copyOf(path, length), sampler.draw(p));
            }
            node = next;
        }
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
