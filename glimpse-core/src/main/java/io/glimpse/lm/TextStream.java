package io.glimpse.lm;

import java.util.Arrays;

/**
 * Turns generated tokens into text as they arrive. Byte-level tokens can end inside a UTF-8 character, and
 * SentencePiece decoders strip the first space only at the start, so each call decodes everything so far and
 * emits the new suffix, holding it back while it ends in an incomplete character (U+FFFD); {@link #finish}
 * releases what is still held when generation ends (a model may well emit bytes that never form a character).
 */
public final class TextStream {
    private final TextTokenizer tokenizer;
    private int[] tokens = new int[16];
    private int count;
    private int emitted;

    public TextStream(TextTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** Adds one token and returns the text that became final (possibly empty). */
    public String accept(int token) {
        if (count == tokens.length) {
            tokens = Arrays.copyOf(tokens, count * 2);
        }
        tokens[count++] = token;
        return emit(false);
    }

    /** The text still held back, decoded as it stands. */
    public String finish() {
        return emit(true);
    }

    private String emit(boolean last) {
        String text = tokenizer.decode(Arrays.copyOf(tokens, count), true);
        if ((!last && text.endsWith("\uFFFD")) || text.length() < emitted) {
            return "";
        }
        String fresh = text.substring(emitted);
        emitted = text.length();
        return fresh;
    }
}
