package io.glimpse.lm.bytes;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The validity mask: whether a token sequence can start the tokenizer's own encoding of some text. Token
 * sequences are taken after a settled {@link Boundaries anchor}, whose tokens before it are canonical already.
 *
 * <p>A sequence whose bytes end on a character boundary is valid when it is the canonical encoding of its bytes,
 * {@code enc(dec(t)) == t} (the reference's {@code _cover_enc_check}). That is also what "starts some encoding"
 * means there: within one pre-tokenizer piece, if {@code enc(y·z)} has a token boundary after {@code y}, no merge
 * of the BPE run crossed it, so the merges on the left were those of {@code enc(y)} in the same order
 * ({@code BoundariesProperties} checks the same on random texts). A sequence ending inside a character (byte-level
 * BPE splits characters between tokens) has no text of its own to encode: it is valid when some token continuing
 * the character makes a valid sequence, recursing until the bytes end on a character boundary (memoised: the
 * candidates are the tokens that start with a continuation byte).
 * Malformed UTF-8 is never valid: no text encodes to it.
 */
final class Canonicity {
    private final TokenBytes vocab;
    private final int headTokens;
    private final Map<List<Integer>, Boolean> memo = new HashMap<>();

    /** Checks sequences after their first {@code headTokens} tokens, which end at an anchor. */
    Canonicity(TokenBytes vocab, int headTokens) {
        this.vocab = vocab;
        this.headTokens = headTokens;
    }

    int headTokens() {
        return headTokens;
    }

    /** Whether {@code tokens} (head included) followed by {@code next} starts the encoding of some text. */
    boolean valid(int[] tokens, int next) {
        int[] tail = Arrays.copyOfRange(tokens, headTokens, tokens.length + 1);
        tail[tail.length - 1] = next;
        return validTail(tail);
    }

    private boolean validTail(int[] tail) {
        List<Integer> key = Arrays.stream(tail).boxed().toList();
        Boolean known = memo.get(key);
        if (known != null) {
            return known;
        }
        byte[] b = spell(tail);
        boolean valid = switch (Utf8.state(b, 0, b.length)) {
            case COMPLETE -> Arrays.equals(vocab.encode(b), tail);
            case MALFORMED -> false;
            case PARTIAL -> continues(tail);
        };
        memo.put(key, valid);
        return valid;
    }

    private boolean continues(int[] tail) {
        int[] longer = Arrays.copyOf(tail, tail.length + 1);
        for (int b = 0x80; b <= 0xBF; b++) {
            for (int t : vocab.startingWith(b)) {
                longer[tail.length] = t;
                if (validTail(longer)) {
                    return true;
                }
            }
        }
        return false;
    }

    private byte[] spell(int[] tail) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int t : tail) {
            out.writeBytes(vocab.bytes(t));
        }
        return out.toByteArray();
    }
}
