package io.glimpse.lm.bytes;

import io.glimpse.io.BadInputException;
import io.glimpse.lm.DecoderModel;
import io.glimpse.lm.KvCache;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Next-token log-probabilities after token contexts that share a long settled prefix: the covers of a byte
 * string differ only after their {@link Boundaries anchor}. The settled prefix lives in one {@link KvCache} that
 * only grows; each other context copies the prefix it shares with it ({@link KvCache#prefix}) and runs the few
 * tokens after it in one forward. Recent answers are kept, as a cover's context is asked for again when the next
 * byte is appended.
 */
final class PrefixScorer {
    private static final int REMEMBERED = 256;

    private final DecoderModel model;
    private final int limit;
    private final int capacity;
    private final KvCache base;
    private int[] baseTokens = new int[0];
    private double[] baseLogProbs;
    private final Map<List<Integer>, double[]> memo = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<List<Integer>, double[]> e) {
            return size() > REMEMBERED;
        }
    };

    /**
     * @param limit    ids at or beyond it (embedding rows the tokenizer lacks) get no probability
     * @param capacity the longest context, in tokens
     */
    PrefixScorer(DecoderModel model, int limit, int capacity) {
        if (capacity > model.config().context()) {
            throw new BadInputException("byte-level decoding of up to " + capacity + " tokens exceeds the model's context of "
                    + model.config().context());
        }
        this.model = model;
        this.limit = limit;
        this.capacity = capacity;
        this.base = model.newCache(capacity);
    }

    /**
     * Extends the settled prefix to {@code tokens} (which must start with it) and returns the log-probability of
     * each token added, given those before it.
     */
    double[] settle(int[] tokens) {
        int k = baseTokens.length;
        if (tokens.length < k || !Arrays.equals(tokens, 0, k, baseTokens, 0, k)) {
            throw new IllegalStateException("the settled prefix only grows");
        }
        double[] added = new double[tokens.length - k];
        if (added.length == 0) {
            return added;
        }
        checkLength(tokens.length);
        int[] extra = Arrays.copyOfRange(tokens, k, tokens.length);
        float[] logits = model.forward(base, model.embed(extra), positions(k, tokens.length), extra.length);
        int vocab = model.config().vocabSize();
        for (int i = 0; i < extra.length; i++) {
            double[] lp = i == 0 ? baseLogProbs : logSoftmax(logits, (i - 1) * vocab);
            added[i] = lp == null ? 0 : lp[extra[i]];
        }
        baseLogProbs = logSoftmax(logits, (extra.length - 1) * vocab);
        baseTokens = tokens.clone();
        return added;
    }

    /** log p(next token | context) for every id below the limit; the context starts with the settled prefix's first token. */
    double[] logProbs(int[] context) {
        if (Arrays.equals(context, baseTokens)) {
            return baseLogProbs;
        }
        List<Integer> key = Arrays.stream(context).boxed().toList();
        double[] known = memo.get(key);
        if (known != null) {
            return known;
        }
        checkLength(context.length);
        int shared = Math.min(Arrays.mismatch(context, baseTokens), context.length - 1);
        KvCache cache = base.prefix(shared, shared, context.length);
        int[] rest = Arrays.copyOfRange(context, shared, context.length);
        double[] lp = logSoftmax(model.forward(cache, model.embed(rest), positions(shared, context.length), 1), 0);
        memo.put(key, lp);
        return lp;
    }

    private void checkLength(int tokens) {
        if (tokens > capacity) {
            throw new BadInputException("the text needs " + tokens + " tokens, more than the " + capacity
                    + " byte-level decoding was given room for");
        }
    }

    private static int[] positions(int from, int to) {
        int[] p = new int[to - from];
        Arrays.setAll(p, i -> from + i);
        return p;
    }

    private double[] logSoftmax(float[] logits, int offset) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < limit; i++) {
            max = Math.max(max, logits[offset + i]);
        }
        double sum = 0;
        for (int i = 0; i < limit; i++) {
            sum += Math.exp(logits[offset + i] - max);
        }
        double log = max + Math.log(sum);
        double[] out = new double[limit];
        for (int i = 0; i < limit; i++) {
            out[i] = logits[offset + i] - log;
        }
        return out;
    }
}
