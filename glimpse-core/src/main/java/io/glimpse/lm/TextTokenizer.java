package io.glimpse.lm;

import io.glimpse.io.JsonFiles;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import io.glimpse.io.BadInputException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A Hugging Face tokenizer.json run by the tokenizers library itself (DJL's JNI binding; its natives ship in the
 * jar, nothing is downloaded). Truncation and padding are switched off explicitly: DJL would otherwise cut input
 * to 512 tokens (deepjavalibrary/djl, extensions/tokenizers HuggingFaceTokenizer, default maxLength), and a video prompt is thousands long.
 */
public final class TextTokenizer implements AutoCloseable {

    private final HuggingFaceTokenizer tokenizer;
    private final Map<String, Integer> ids;
    private final Set<Integer> special;
    private final int size;

    private TextTokenizer(HuggingFaceTokenizer tokenizer, Map<String, Integer> ids, Set<Integer> special, int size) {
        this.tokenizer = tokenizer;
        this.ids = ids;
        this.special = special;
        this.size = size;
    }

    /** Loads {@code path}: a tokenizer.json file, or a folder holding one. */
    public static TextTokenizer load(Path path) throws IOException {
        Path file = Files.isDirectory(path) ? path.resolve("tokenizer.json") : path;
        if (!Files.isRegularFile(file)) {
            throw new BadInputException(file + ": no tokenizer.json");
        }
        JsonNode root = JsonFiles.readObject(file);
        JsonNode vocab = root.path("model").path("vocab");
        if (!vocab.isObject()) {
            throw new BadInputException(file + ": no model.vocab object (only BPE/WordPiece/WordLevel vocabularies are read)");
        }
        Map<String, Integer> ids = new HashMap<>();
        vocab.fields().forEachRemaining(e -> ids.put(e.getKey(), e.getValue().asInt()));
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
        return new TextTokenizer(tokenizer, ids, special, size);
    }

    /**
     * Token ids of {@code text}. Added tokens written in the text (e.g. {@code <image>}, {@code <|im_start|>}) map to
     * their ids; {@code addSpecialTokens} lets the post-processor add its tokens (Llama's BOS; Qwen2 adds none).
     */
    public int[] encode(String text, boolean addSpecialTokens) {
        Encoding e = tokenizer.encode(text, addSpecialTokens, false);
        long[] raw = e.getIds();
        int[] out = new int[raw.length];
        for (int i = 0; i < raw.length; i++) {
            out[i] = Math.toIntExact(raw[i]);
        }
        return out;
    }

    /** Text of {@code tokens}; special tokens are left out when {@code skipSpecialTokens}. */
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

    /** The id of a vocabulary entry or added token (e.g. {@code <|im_end|>}), or -1 when absent. */
    public int id(String token) {
        return ids.getOrDefault(token, -1);
    }

    /** Whether {@code id} is an added token marked special. */
    public boolean isSpecial(int id) {
        return special.contains(id);
    }

    /** One past the largest id the tokenizer can produce; embedding rows from here on are padding. */
    public int size() {
        return size;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
