package io.glimpse.lm.bytes;

import io.glimpse.lm.DecoderModel;
import io.glimpse.lm.KvCache;
import io.glimpse.lm.TextTokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The Byte-Token Representation Lemma evaluated the long way, for short ASCII texts: every token sequence whose
 * last token reaches or straddles the end of the bytes, kept when the tokenizer encodes the whole text it spells
 * to exactly that sequence, each scored by a fresh full forward. No anchors, no cached prefixes, no incremental
 * covers: nothing it shares with {@link ByteModel} but the model, the tokenizer and the tokens' bytes. Sequences
 * are cut as soon as a prefix is not the encoding of its own text (prefixes of canonical encodings are canonical,
 * which {@link BoundariesProperties} checks on the tokenizers), else the enumeration is exponential in the length.
 */
final class BruteForce {
    private final DecoderModel model;
    private final TextTokenizer tokenizer;
    private final TokenBytes vocab;
    private final int[] start;
    private final boolean dummyPrefix;

    BruteForce(DecoderModel model, TextTokenizer tokenizer, TokenBytes vocab, int[] start, boolean dummyPrefix) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.vocab = vocab;
        this.start = start;
        this.dummyPrefix = dummyPrefix;
    }

    /** log P(text) summed over its canonical covers. */
    double logP(String text) {
        byte[] x = ((dummyPrefix ? " " : "") + text).getBytes(StandardCharsets.UTF_8);
        List<int[]> covers = new ArrayList<>();
        enumerate(x, 0, new int[0], covers);
        double sum = 0;
        for (int[] c : covers) {
            sum += Math.exp(score(c));
        }
        return Math.log(sum);
    }

    /** The canonical covers of {@code text}. */
    List<int[]> covers(String text) {
        byte[] x = ((dummyPrefix ? " " : "") + text).getBytes(StandardCharsets.UTF_8);
        List<int[]> covers = new ArrayList<>();
        enumerate(x, 0, new int[0], covers);
        return covers;
    }

    private void enumerate(byte[] x, int pos, int[] seq, List<int[]> out) {
        for (int id = 0; id < vocab.size(); id++) {
            byte[] b = vocab.bytes(id);
            if (b == null) {
                continue;
            }
            int[] longer = Arrays.copyOf(seq, seq.length + 1);
            longer[seq.length] = id;
            if (pos + b.length < x.length) {
                boolean onlyDummy = dummyPrefix && pos + b.length == 1;
                if (Arrays.equals(b, 0, b.length, x, pos, pos + b.length) && (onlyDummy || canonical(longer))) {
                    enumerate(x, pos + b.length, longer, out);
                }
            } else if (Arrays.equals(b, 0, x.length - pos, x, pos, x.length) && canonical(longer)) {
                out.add(longer);
            }
        }
    }

    private boolean canonical(int[] seq) {
        ByteArrayOutputStream spelled = new ByteArrayOutputStream();
        for (int t : seq) {
            spelled.writeBytes(vocab.bytes(t));
        }
        String text = spelled.toString(StandardCharsets.UTF_8);
        if (dummyPrefix) {
            if (!text.startsWith(" ")) {
                return false;
            }
            text = text.substring(1);
        }
        return Arrays.equals(tokenizer.encode(text, false), seq);
    }

    /** log P(seq | start) by one forward over all of it. */
    double score(int[] seq) {
        int[] all = Arrays.copyOf(start, start.length + seq.length);
        System.arraycopy(seq, 0, all, start.length, seq.length);
        KvCache cache = model.newCache(all.length);
        int[] pos = new int[all.length];
        Arrays.setAll(pos, i -> i);
        float[] logits = model.forward(cache, model.embed(all), pos, all.length);
        int v = model.config().vocabSize();
        int limit = tokenizer.size();
        double total = 0;
        for (int i = start.length; i < all.length; i++) {
            int row = i - 1;
            double max = Double.NEGATIVE_INFINITY;
            for (int t = 0; t < limit; t++) {
                max = Math.max(max, logits[row * v + t]);
            }
            double z = 0;
            for (int t = 0; t < limit; t++) {
                z += Math.exp(logits[row * v + t] - max);
            }
            total += logits[row * v + all[i]] - max - Math.log(z);
        }
        return total;
    }
}
