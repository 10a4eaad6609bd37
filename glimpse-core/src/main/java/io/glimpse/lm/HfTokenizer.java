package io.glimpse.lm;

import io.glimpse.io.JsonFiles;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import io.glimpse.io.BadInputException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A Hugging Face tokenizer.json run by the tokenizers library itself (DJL's JNI binding; its natives ship in the
 * jar, nothing is downloaded). Truncation and padding are switched off explicitly: DJL would otherwise cut input
 * to 512 tokens (deepjavalibrary/djl, extensions/tokenizers HuggingFaceTokenizer, default maxLength), and a video
 * prompt is thousands long.
 */
final class HfTokenizer implements TextTokenizer {

    private final HuggingFaceTokenizer tokenizer;
    private final Map<String, Integer> ids;
    private final Set<Integer> special;
    private final int size;

    private HfTokenizer(HuggingFaceTokenizer tokenizer, Map<String, Integer> ids, Set<Integer> special, int size) {
        this.tokenizer = tokenizer;
        this.ids = ids;
        this.special = special;
        this.size = size;
    }

    static HfTokenizer load(Path file) throws IOException {
        JsonNode root = JsonFiles.readObject(file);
        JsonNode vocab = root.path("model").path("vocab");
        Map<String, Integer> ids = new HashMap<>();
        if (vocab.isObject()) {
            vocab.fields().forEachRemaining(e -> ids.put(e.getKey(), e.getValue().asInt()));
        } else if (vocab.isArray()) {
            // Unigram: [piece, score] pairs, the id being the position.
            for (int i = 0; i < vocab.size(); i++) {
                ids.putIfAbsent(vocab.get(i).path(0).asText(), i);
            }
        } else {
            throw new BadInputException(file + ": no model.vocab (an object for BPE/WordPiece/WordLevel, an array for Unigram)");
        }
        Set<Integer> special = new TreeSet<>();
        for (JsonNode t : root.path("added_tokens")) {
            ids.put(t.path("content").asText(), t.path("id").asInt());
            if (t.path("special").asBoolean(false)) {
                special.add(t.path("id").asInt());
            }
        }
        int size = ids.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        HuggingFaceTokenizer tokenizer;
        try {
            tokenizer = HuggingFaceTokenizer.newInstance(file, Map.of("truncation", "false", "padding", "false",
                    "addSpecialTokens", "false"));
        } catch (RuntimeException e) {
            throw new BadInputException(file + ": the tokenizers library rejected it (" + e.getMessage() + ")", e);
        }
        return new HfTokenizer(tokenizer, ids, special, size);
    }

    @Override
    public int[] encode(String text, boolean addSpecialTokens) {
        Encoding e = tokenizer.encode(text, addSpecialTokens, false);
        long[] raw = e.getIds();
        int[] out = new int[raw.length];
        for (int i = 0; i < raw.length; i++) {
            out[i] = Math.toIntExact(raw[i]);
        }
        return out;
    }

    @Override
    public String decode(int[] tokens, boolean skipSpecialTokens) {
        long[] raw = new long[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= size) {
                throw new IllegalArgumentException("token id " + tokens[i] + " is outside the tokenizer's [0, " + size + ")");
            }
            raw[i] = tokens[i];
        }
        return tokenizer.decode(raw, skipSpecialTokens);
    }

    @Override
    public int id(String token) {
        return ids.getOrDefault(token, -1);
    }

    @Override
    public boolean isSpecial(int id) {
        return special.contains(id);
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
