package io.glimpse.lm.bytes;

import io.glimpse.io.BadInputException;
import io.glimpse.lm.DecoderModel;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A tokenized language model read byte by byte: the exact next-byte distribution {@code P(x_{n+1} | x_1..x_n)}
 * of Phan et al., "Exact Byte-Level Probabilities from Tokenized Language Models for FIM-Tasks and Model
 * Ensembles" (ICLR 2025; facebookresearch/Exact-Byte-Level-Probabilities-from-Tokenized-LMs,
 * {@code src/byte_prediction_model.py}).
 *
 * <p>Byte-Token Representation Lemma: {@code P(x) = Σ P(t)} over the covers of {@code x}, the valid token
 * sequences whose bytes start with {@code x} while all but their last token spell a strict prefix of it (the last
 * token reaches or straddles the end). The state is that set of covers, each with its log-probability and the
 * bytes its last token spells beyond {@code x}. A cover that ends exactly at {@code x} grows by every valid next
 * token {@code t} (probability {@code P(cover)·p(t | cover)}); one that straddles offers its next byte. Summing by
 * first byte gives {@code P(x·b)}; the cover's end-of-text probability gives {@code P(x, end)}; normalised, the
 * next-byte distribution. Appending byte {@code b} keeps the covers whose next byte is {@code b} and the grown
 * ones that start with it. A prompt is read the same way byte by byte from its settled {@link Boundaries anchor},
 * so prompts ending inside a token or a word are exact, where token healing keeps a single cover.
 *
 * <p>Validity is the tokenizer's own canonical encoding ({@link Canonicity}); the reference's
 * {@code fast_mode}, which skips it, is not offered. Departures from the reference: any byte-level or
 * SentencePiece BPE vocabulary ({@link TokenBytes}), not only SentencePiece; a start of text on the BOS token, or
 * on the end-of-text token for tokenizers without BOS (Qwen2), as a document boundary; the distribution has 257
 * symbols (bytes and {@link #END}), the reference's 259 keep unk/bos apart.
 */
public final class ByteModel {
    /** The symbol after the 256 bytes: the end of the text. */
    public static final int END = 256;
    /** Bytes and {@link #END}. */
    public static final int SYMBOLS = 257;

    private static final byte[] NOTHING = new byte[0];

    /** A cover: its tokens (start and head included), log-probability on the state's scale, bytes beyond x. */
    private record Cover(int[] tokens, double logP, byte[] leftover) {
    }

    /** What the covers that end at x grow into, by first byte, and the end-of-text mass. */
    private record Growth(List<List<Cover>> byByte, double endMass) {
    }

    private final TokenBytes vocab;
    private final PrefixScorer scorer;
    private byte[] x;
    private int prefix;
    private int n;
    private int anchor;
    private Canonicity canonicity;
    private List<Cover> covers;
    private double scale;
    private Growth pending;

    private ByteModel(TokenBytes vocab, PrefixScorer scorer, byte[] x) {
        this.vocab = vocab;
        this.scorer = scorer;
        this.x = x;
    }

    /**
     * The state after {@code prompt}, with room for {@code maxNewBytes} more bytes. A prompt that is not UTF-8
     * ending on a character boundary (the reference's requirement: a prompt cut inside a character has no text to
     * encode), that the vocabulary cannot spell validly, or that does not fit the model's context, is bad input.
     */
    public static ByteModel open(DecoderModel model, TokenBytes vocab, byte[] prompt, int maxNewBytes) {
        Utf8.requireComplete(prompt, "prompt");
        byte[] modelled = vocab.modelled(prompt);
        int capacity = vocab.start().length + modelled.length + maxNewBytes + 2;
        ByteModel m = new ByteModel(vocab, new PrefixScorer(model, vocab.size(), capacity),
                Arrays.copyOf(modelled, modelled.length + maxNewBytes + 1));
        m.prefix = vocab.added(prompt);
        m.anchor = Boundaries.anchor(vocab, modelled, modelled.length, 0);
        int[] head = m.anchor == 0 ? new int[0] : vocab.encode(Arrays.copyOf(modelled, m.anchor));
        if (!Arrays.equals(spell(vocab, head, 0), Arrays.copyOf(modelled, m.anchor))) {
            throw new IllegalStateException("the tokenizer does not spell the settled prefix back");
        }
        int[] start = vocab.start();
        int[] context = Arrays.copyOf(start, start.length + head.length);
        System.arraycopy(head, 0, context, start.length, head.length);
        double logP = Arrays.stream(m.scorer.settle(context)).sum();
        m.canonicity = new Canonicity(vocab, context.length);
        m.covers = List.of(new Cover(context, logP, NOTHING));
        m.n = m.anchor;
        for (int i = m.anchor; i < modelled.length; i++) {
            m.append(modelled[i] & 0xFF);
            if (m.covers.isEmpty()) {
                throw new BadInputException("prompt: no valid tokenization spells its first " + (i + 1) + " bytes");
            }
        }
        return m;
    }

    /** The distribution of the next symbol: {@link #SYMBOLS} probabilities summing to 1, {@link #END} last. */
    public double[] next() {
        Growth g = growth(-1);
        double[] p = new double[SYMBOLS];
        for (Cover c : covers) {
            if (c.leftover.length > 0) {
                p[c.leftover[0] & 0xFF] += Math.exp(c.logP);
            }
        }
        for (int b = 0; b < 256; b++) {
            for (Cover c : g.byByte.get(b)) {
                p[b] += Math.exp(c.logP);
            }
        }
        p[END] = g.endMass;
        double sum = Arrays.stream(p).sum();
        if (!(sum > 0)) {
            throw new IllegalStateException("no next symbol has probability");
        }
        for (int i = 0; i < SYMBOLS; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /**
     * Appends byte {@code b}; a byte no cover continues with leaves the state with probability 0: no covers, which
     * later bytes keep.
     */
    public void append(int b) {
        if (b < 0 || b > 255) {
            throw new IllegalArgumentException("byte " + b + " outside [0, 255]");
        }
        if (n == x.length) {
            throw new IllegalStateException("the state was opened with room for " + (x.length - 1) + " bytes");
        }
        if (covers.isEmpty()) {
            x[n++] = (byte) b;
            return;
        }
        Growth g = growth(b);
        List<Cover> kept = new ArrayList<>();
        for (Cover c : covers) {
            if (c.leftover.length > 0 && (c.leftover[0] & 0xFF) == b) {
                kept.add(new Cover(c.tokens, c.logP, Arrays.copyOfRange(c.leftover, 1, c.leftover.length)));
            }
        }
        kept.addAll(g.byByte.get(b));
        x[n++] = (byte) b;
        pending = null;
        double max = kept.stream().mapToDouble(Cover::logP).max().orElse(0);
        scale += max;
        covers = kept.stream().map(c -> new Cover(c.tokens, c.logP - max, c.leftover)).toList();
        if (!covers.isEmpty()) {
            resettle();
        }
    }

    /** {@code log P(x)}: the probability that a text starts with the bytes so far, summed over their covers. */
    public double logProbability() {
        if (covers.isEmpty()) {
            return Double.NEGATIVE_INFINITY;
        }
        return scale + Math.log(covers.stream().mapToDouble(c -> Math.exp(c.logP)).sum());
    }

    /** The text so far (prompt and appended bytes, without a dummy-prefix space). */
    public byte[] text() {
        return Arrays.copyOfRange(x, prefix, n);
    }

    /** Number of covers of the bytes so far. */
    public int covers() {
        return covers.size();
    }

    /** The growth of the covers that end at x: for byte {@code only}, or for every byte when it is -1. */
    private Growth growth(int only) {
        if (pending != null) {
            return pending;
        }
        List<List<Cover>> byByte = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            byByte.add(new ArrayList<>());
        }
        double end = 0;
        boolean complete = Utf8.completeEnd(x, n) == n;
        for (Cover c : covers) {
            if (c.leftover.length > 0) {
                continue;
            }
            double[] lp = scorer.logProbs(c.tokens);
            for (int b = only < 0 ? 0 : only; b < (only < 0 ? 256 : only + 1); b++) {
                for (int t : vocab.startingWith(b)) {
                    if (lp[t] > Double.NEGATIVE_INFINITY && canonicity.valid(c.tokens, t)) {
                        int[] grown = Arrays.copyOf(c.tokens, c.tokens.length + 1);
                        grown[c.tokens.length] = t;
                        byte[] spelled = vocab.bytes(t);
                        byByte.get(b).add(new Cover(grown, c.logP + lp[t], Arrays.copyOfRange(spelled, 1, spelled.length)));
                    }
                }
            }
            if (complete && vocab.endOfText() >= 0) {
                end += Math.exp(c.logP + lp[vocab.endOfText()]);
            }
        }
        Growth g = new Growth(byByte, end);
        if (only < 0) {
            pending = g;
        }
        return g;
    }

    /** Moves the anchor forward when the bytes so far settle more of the text; the covers agree before it. */
    private void resettle() {
        int a = Boundaries.anchor(vocab, x, n, anchor);
        if (a == anchor) {
            return;
        }
        int[] first = covers.get(0).tokens;
        int k = canonicity.headTokens();
        int spelled = anchor;
        while (spelled < a && k < first.length) {
            spelled += vocab.bytes(first[k++]).length;
        }
        for (Cover c : covers) {
            if (spelled != a || c.tokens.length < k || !Arrays.equals(c.tokens, 0, k, first, 0, k)) {
                throw new IllegalStateException("covers disagree before the settled position " + a);
            }
        }
        scorer.settle(Arrays.copyOf(first, k));
        canonicity = new Canonicity(vocab, k);
        anchor = a;
    }

    private static byte[] spell(TokenBytes vocab, int[] tokens, int from) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = from; i < tokens.length; i++) {
            out.writeBytes(vocab.bytes(tokens[i]));
        }
        return out.toByteArray();
    }
}
