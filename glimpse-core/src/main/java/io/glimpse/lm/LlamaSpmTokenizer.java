package io.glimpse.lm;

import io.glimpse.io.BadInputException;
import io.glimpse.io.GgufFile;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The SentencePiece tokenizer of a GGUF vocabulary with {@code tokenizer.ggml.model = llama} (Llama, Llama-2,
 * LLaVA-1.5), by llama.cpp's rules (src/llama-vocab.cpp, {@code llama_vocab::impl::tokenize}, type SPM): the text is
 * split at the control, unknown and user-defined tokens written in it (leftmost first, the longest of those starting
 * there), each of which is its id; every run of text between is encoded alone by the {@link SentencePieceModel} BPE
 * merges with a space in front ({@code tokenizer.ggml.add_space_prefix}, default true); BOS comes first when
 * special tokens are added and {@code tokenizer.ggml.add_bos_token} (default true), EOS last with
 * {@code add_eos_token} (default false).
 */
final class LlamaSpmTokenizer implements TextTokenizer {
    private static final int UNKNOWN = 2;
    private static final int CONTROL = 3;
    private static final int USER_DEFINED = 4;

    private final SentencePieceModel model;
    /** Texts the input is split at, longest first so that the longest of those starting at one place wins. */
    private final List<String> specials;
    private final int[] types;
    private final int bos;
    private final int eos;

    private LlamaSpmTokenizer(SentencePieceModel model, List<String> specials, int[] types, int bos, int eos) {
        this.model = model;
        this.specials = specials;
        this.types = types;
        this.bos = bos;
        this.eos = eos;
    }

    static LlamaSpmTokenizer of(GgufFile g) {
        List<String> tokens = g.strings("tokenizer.ggml.tokens");
        double[] scores = g.numbers("tokenizer.ggml.scores");
        int[] types = g.ints("tokenizer.ggml.token_type");
        if (scores.length != tokens.size() || types.length != tokens.size()) {
            throw new BadInputException(g.file() + ": tokenizer.ggml.scores has " + scores.length + " and token_type "
                    + types.length + " entries for " + tokens.size() + " tokens");
        }
        float[] s = new float[scores.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) scores[i];
        }
        SentencePieceModel model = SentencePieceModel.ofPieces(g.file().toString(), tokens, s, types,
                g.bool("tokenizer.ggml.add_space_prefix", true));
        List<String> specials = new ArrayList<>();
        for (int i = 0; i < types.length; i++) {
            if (types[i] == CONTROL || types[i] == UNKNOWN || types[i] == USER_DEFINED) {
                specials.add(tokens.get(i));
            }
        }
        specials.sort(Comparator.comparingInt(String::length).reversed());
        int bos = g.bool("tokenizer.ggml.add_bos_token", true) ? id(g, "tokenizer.ggml.bos_token_id", 1, tokens.size()) : -1;
        int eos = g.bool("tokenizer.ggml.add_eos_token", false) ? id(g, "tokenizer.ggml.eos_token_id", 2, tokens.size()) : -1;
        return new LlamaSpmTokenizer(model, List.copyOf(specials), types, bos, eos);
    }

    private static int id(GgufFile g, String key, int absent, int size) {
        long id = g.integer(key, absent);
        if (id < 0 || id >= size) {
            throw new BadInputException(g.file() + ": " + key + " " + id + " is outside the " + size + " tokens");
        }
        return (int) id;
    }

    @Override
    public int[] encode(String text, boolean addSpecialTokens) {
        List<Integer> ids = new ArrayList<>();
        if (addSpecialTokens && bos >= 0) {
            ids.add(bos);
        }
        int pos = 0;
        while (pos < text.length()) {
            int at = text.length();
            String hit = null;
            for (String sp : specials) {
                int i = text.indexOf(sp, pos);
                if (i >= 0 && i < at) {
                    at = i;
                    hit = sp;
                }
            }
            if (at > pos) {
                for (int id : model.encode(text.substring(pos, at))) {
                    ids.add(id);
                }
            }
            if (hit == null) {
                break;
            }
            ids.add(model.id(hit));
            pos = at + hit.length();
        }
        if (addSpecialTokens && eos >= 0) {
            ids.add(eos);
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public String decode(int[] tokens, boolean skipSpecialTokens) {
        for (int t : tokens) {
            if (t < 0 || t >= model.size()) {
                throw new IllegalArgumentException("token id " + t + " is outside the tokenizer's [0, " + model.size() + ")");
            }
        }
        return model.decode(Arrays.stream(tokens).filter(t -> !(skipSpecialTokens && isSpecial(t))).toArray());
    }

    @Override
    public int id(String token) {
        return model.id(token);
    }

    @Override
    public boolean isSpecial(int id) {
        return id >= 0 && id < types.length && (types[id] == CONTROL || types[id] == UNKNOWN);
    }

    @Override
    public int size() {
        return model.size();
    }

    @Override
    public void close() {
    }
}
