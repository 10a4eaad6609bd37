package io.glimpse.lm.bytes;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;

/**
 * Where the tokenization of a byte prefix is settled whatever follows: an anchor {@code a} such that every text
 * that starts with the prefix {@code x} encodes as {@code enc(x[..a]) ++ enc(rest)}. Covers then share the tokens
 * before the anchor (one cached prefill), and canonicity is checked on the bytes after it only. The Byte-Token
 * Representation Lemma does not need an anchor: {@code a = 0} is always exact, only slower.
 *
 * <p><b>SentencePiece BPE</b> (the reference's rule, Phan et al. 2024, {@code whitespace_split}): the anchor is the
 * last space that follows another character. BPE only ever joins adjacent symbols through a merge; a token holding
 * "c▁" (c not ▁) needs a merge whose left side ends in c and whose right side starts with ▁, and the merged token is
 * in the vocabulary. When no token holds one ({@link TokenBytes#tokensCrossSpaces}, checked at load; a splitting
 * Metaspace pre-tokenizer rules it out by itself), no token crosses such a space, so the position before it is a
 * token boundary of every text containing it and the two sides encode independently. Otherwise the anchor stays
 * at 0.
 *
 * <p><b>Byte-level BPE</b> (GPT-2, Qwen2, Llama 3): tokens never cross a piece of the pre-tokenizer's split regex
 * (HF {@code Split}, {@code Isolated}), each piece being BPE-encoded alone, and the regex matches each piece from
 * where the previous one ended, with no look-behind. Appending text changes a match only where the regex looked
 * at the end of the input: the last piece (a word grows, {@code ","} becomes {@code ",b"}, digits group in threes)
 * and a trailing whitespace run, which {@code \s+(?!\S)} and {@code \s*[\r\n]+} may re-split together with the
 * piece before it ({@code "a\n " + "\n"} joins {@code "\n"} and {@code " "}). So the last two pieces are open and
 * the start of the one before them is settled; the anchor is the start of the third piece from the end, one more
 * piece than the argument needs, as margin for the Unicode classes of Java's regex standing in for Oniguruma's.
 * A Unicode (NFC) normalizer composes only with the character before a combining mark, inside the open pieces.
 * {@code BoundariesProperties} checks the rule against the tokenizer itself on random texts. A pre-tokenizer other than
 * one Split regex (or ByteLevel's own) leaves the anchor at 0.
 */
final class Boundaries {
    private Boundaries() {
    }

    /**
     * The settled anchor of modelled bytes {@code x[..n]}, at or after {@code from} (an earlier anchor of the same
     * bytes, 0 at first); always on a character boundary.
     */
    static int anchor(TokenBytes vocab, byte[] x, int n, int from) {
        int complete = Utf8.completeEnd(x, n);
        return switch (vocab.spelling()) {
            case SENTENCEPIECE -> vocab.tokensCrossSpaces() ? from : lastWordStart(x, complete, from);
            case BYTE_LEVEL -> vocab.split() == null ? from : pieceAnchor(vocab, x, complete, from);
        };
    }

    private static int lastWordStart(byte[] x, int end, int from) {
        for (int i = end - 1; i > from; i--) {
            if (x[i] == ' ' && x[i - 1] != ' ') {
                return i;
            }
        }
        return from;
    }

    private static int pieceAnchor(TokenBytes vocab, byte[] x, int end, int from) {
        String text = new String(x, from, end - from, StandardCharsets.UTF_8);
        List<Integer> starts = new ArrayList<>();
        Matcher m = vocab.split().matcher(text);
        int last = 0;
        while (m.find()) {
            if (m.start() > last) {
                starts.add(last);
            }
            if (m.end() > m.start()) {
                starts.add(m.start());
            }
            last = m.end();
        }
        if (last < text.length()) {
            starts.add(last);
        }
        if (starts.size() < 3) {
            return from;
        }
        int chars = starts.get(starts.size() - 3);
        return from + text.substring(0, chars).getBytes(StandardCharsets.UTF_8).length;
    }
}
