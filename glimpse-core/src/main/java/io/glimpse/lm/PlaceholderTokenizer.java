package io.glimpse.lm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A tokenizer whose vocabulary has no token for some placeholder texts (LLaVA's {@code <image>} in the GGUF files
 * llama.cpp converts from the original LLaVA-1.5 checkpoints): each placeholder written in the text becomes an id just
 * past the vocabulary, and the text between is tokenized piece by piece, special tokens added to the first piece only,
 * as llama.cpp's mtmd splits a prompt at its media marker ({@code mtmd_tokenize}). The model puts visual rows where
 * the placeholders are, so their ids are neither embedded nor generated: {@link #size} stays the vocabulary's.
 */
public final class PlaceholderTokenizer implements TextTokenizer {
    private final TextTokenizer inner;
    private final List<String> placeholders;

    private PlaceholderTokenizer(TextTokenizer inner, List<String> placeholders) {
        this.inner = inner;
        this.placeholders = placeholders;
    }

    /** {@code tokenizer} with ids for those of {@code texts} it lacks; itself when it has them all. */
    public static TextTokenizer withPlaceholders(TextTokenizer tokenizer, List<String> texts) {
        List<String> missing = texts.stream().filter(t -> tokenizer.id(t) < 0).toList();
        return missing.isEmpty() ? tokenizer : new PlaceholderTokenizer(tokenizer, missing);
    }

    @Override
    public int[] encode(String text, boolean addSpecialTokens) {
        List<int[]> parts = new ArrayList<>();
        int pos = 0;
        boolean first = true;
        while (true) {
            int at = text.length();
            int hit = -1;
            for (int p = 0; p < placeholders.size(); p++) {
                int i = text.indexOf(placeholders.get(p), pos);
                if (i >= 0 && i < at) {
                    at = i;
                    hit = p;
                }
            }
            if (first || at > pos) {
                parts.add(inner.encode(text.substring(pos, at), first && addSpecialTokens));
            }
            first = false;
            if (hit < 0) {
                break;
            }
            parts.add(new int[] {inner.size() + hit});
            pos = at + placeholders.get(hit).length();
        }
        return parts.stream().flatMapToInt(Arrays::stream).toArray();
    }

    @Override
    public String decode(int[] tokens, boolean skipSpecialTokens) {
        StringBuilder out = new StringBuilder();
        int from = 0;
        for (int i = 0; i <= tokens.length; i++) {
            int p = i < tokens.length ? tokens[i] - inner.size() : -1;
            if (i == tokens.length || p >= 0 && p < placeholders.size()) {
                out.append(inner.decode(Arrays.copyOfRange(tokens, from, i), skipSpecialTokens));
                if (i < tokens.length && !skipSpecialTokens) {
                    out.append(placeholders.get(p));
                }
                from = i + 1;
            }
        }
        return out.toString();
    }

    @Override
    public int id(String token) {
        int p = placeholders.indexOf(token);
        return p >= 0 ? inner.size() + p : inner.id(token);
    }

    @Override
    public boolean isSpecial(int id) {
        int p = id - inner.size();
        return p >= 0 && p < placeholders.size() || inner.isSpecial(id);
    }

    @Override
    public int size() {
        return inner.size();
    }

    @Override
    public void close() {
        inner.close();
    }
}
