package io.glimpse.lm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.glimpse.io.BadInputException;
import io.glimpse.io.GgufFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The tokenizer a GGUF file carries in its metadata ({@code tokenizer.ggml.*}): SentencePiece ({@code model = llama},
 * {@link LlamaSpmTokenizer}) or byte-level BPE ({@code model = gpt2}) with
 * tokens by id, their types (1 normal, 3 control, 4 user-defined, 5 unused, 6 byte), merges as "a b" strings and the
 * pre-tokenizer named by {@code tokenizer.ggml.pre}. It is rebuilt as the Hugging Face tokenizer.json that
 * llama.cpp's convert_hf_to_gguf.py read (control and user-defined tokens as added tokens, control ones special) and
 * run by the same library as a checkpoint's own tokenizer.json, so both paths tokenize alike.
 */
public final class GgufTokenizer {
    /** Pre-tokenizer split patterns by {@code tokenizer.ggml.pre}, as the models' tokenizer.json files give them. */
    private static final Map<String, String> PATTERNS = Map.of(
            "qwen2", "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
                    + "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
            "llama-bpe", "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
                    + "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
            "default", "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");
    private static final int UNKNOWN = 2;
    private static final int CONTROL = 3;
    private static final int USER_DEFINED = 4;
    /**
     * Padding rows ({@code [PAD…]}) stay out of the vocabulary: the tokenizers library numbers added tokens from the
     * vocabulary's size, so padding between the vocabulary and the added tokens would shift their ids.
     */
    private static final int UNUSED = 5;
    private static final ObjectMapper JSON = new ObjectMapper();

    private GgufTokenizer() {
    }

    /** The tokenizer of {@code gguf}; an unsupported model or pre-tokenizer is bad input naming the file and key. */
    public static TextTokenizer load(GgufFile gguf) throws IOException {
        if (gguf.string("tokenizer.ggml.model").equals("llama")) {
            return LlamaSpmTokenizer.of(gguf);
        }
        Path tmp = Files.createTempDirectory("glimpse-gguf-tokenizer");
        Path file = tmp.resolve("tokenizer.json");
        try {
            Files.writeString(file, JSON.writeValueAsString(tokenizerJson(gguf)));
            return TextTokenizer.load(file);
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * The file's vocabulary as a tokenizer.json tree, for reading what each token spells (lm.bytes.TokenBytes): for
     * byte-level BPE the tree {@link #load} runs; for SentencePiece ({@code model = llama}) the vocabulary of pieces
     * (normal and byte ones; control, unknown and user-defined ones as added tokens, unused ones left out) with
     * {@code byte_fallback} and the normalizer of Hugging Face's own conversion of a Llama tokenizer.model: spaces
     * as ▁, and a ▁ in front when {@code tokenizer.ggml.add_space_prefix} (default true). That tree lists no merges
     * (the GGUF gives scores instead), so it describes the vocabulary; {@link LlamaSpmTokenizer} runs it.
     */
    public static ObjectNode vocabulary(GgufFile g) {
        if (!g.string("tokenizer.ggml.model").equals("llama")) {
            return tokenizerJson(g);
        }
        List<String> tokens = g.strings("tokenizer.ggml.tokens");
        int[] types = g.ints("tokenizer.ggml.token_type");
        if (types.length != tokens.size()) {
            throw new BadInputException(g.file() + ": tokenizer.ggml.token_type has " + types.length + " entries for "
                    + tokens.size() + " tokens");
        }
        ObjectNode root = JSON.createObjectNode();
        ArrayNode added = root.putArray("added_tokens");
        ObjectNode vocab = JSON.createObjectNode();
        for (int id = 0; id < tokens.size(); id++) {
            if (types[id] == CONTROL || types[id] == USER_DEFINED || types[id] == UNKNOWN) {
                added.addObject().put("id", id).put("content", tokens.get(id)).put("special", types[id] != USER_DEFINED);
            } else if (types[id] != UNUSED && !vocab.has(tokens.get(id))) {
                vocab.put(tokens.get(id), id);
            }
        }
        ObjectNode normalizer = root.putObject("normalizer").put("type", "Sequence");
        ArrayNode steps = normalizer.putArray("normalizers");
        if (g.bool("tokenizer.ggml.add_space_prefix", true)) {
            steps.addObject().put("type", "Prepend").put("prepend", "\u2581");
        }
        ObjectNode replace = steps.addObject().put("type", "Replace");
        replace.putObject("pattern").put("String", " ");
        replace.put("content", "\u2581");
        ObjectNode bpe = root.putObject("model").put("type", "BPE").put("byte_fallback", true);
        bpe.set("vocab", vocab);
        bpe.putArray("merges");
        return root;
    }

    /** The tokenizer.json equivalent of the file's metadata. */
    static ObjectNode tokenizerJson(GgufFile g) {
        String model = g.string("tokenizer.ggml.model");
        if (!model.equals("gpt2")) {
            throw new BadInputException(g.file() + ": tokenizer.ggml.model '" + model + "' is not supported (gpt2, byte-level "
                    + "BPE, or llama, SentencePiece)");
        }
        String pre = g.string("tokenizer.ggml.pre", "default");
        String pattern = PATTERNS.get(pre.equals("gpt2") ? "default" : pre);
        if (pattern == null) {
            throw new BadInputException(g.file() + ": tokenizer.ggml.pre '" + pre + "' is not supported " + PATTERNS.keySet());
        }
        List<String> tokens = g.strings("tokenizer.ggml.tokens");
        int[] types = g.value("tokenizer.ggml.token_type").isPresent() ? g.ints("tokenizer.ggml.token_type") : new int[tokens.size()];
        if (types.length != tokens.size()) {
            throw new BadInputException(g.file() + ": tokenizer.ggml.token_type has " + types.length + " entries for "
                    + tokens.size() + " tokens");
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        ObjectNode vocab = JSON.createObjectNode();
        for (int id = 0; id < tokens.size(); id++) {
            if (types[id] == CONTROL || types[id] == USER_DEFINED) {
                added.addObject().put("id", id).put("content", tokens.get(id)).put("single_word", false).put("lstrip", false)
                        .put("rstrip", false).put("normalized", false).put("special", types[id] == CONTROL);
            } else if (types[id] != UNUSED && !vocab.has(tokens.get(id))) {
                vocab.put(tokens.get(id), id);
            }
        }
        if (pre.equals("qwen2")) {
            root.putObject("normalizer").put("type", "NFC");
        } else {
            root.putNull("normalizer");
        }
        ObjectNode preTok = root.putObject("pre_tokenizer").put("type", "Sequence");
        ArrayNode steps = preTok.putArray("pretokenizers");
        steps.addObject().put("type", "Split").put("behavior", "Isolated").put("invert", false)
                .putObject("pattern").put("Regex", pattern);
        steps.add(byteLevel());
        if (g.bool("tokenizer.ggml.add_bos_token", false)) {
            root.set("post_processor", bosTemplate(tokens.get((int) g.integer("tokenizer.ggml.bos_token_id")),
                    (int) g.integer("tokenizer.ggml.bos_token_id")));
        } else {
            root.set("post_processor", byteLevel());
        }
        root.set("decoder", byteLevel());
        ObjectNode bpe = root.putObject("model");
        bpe.put("type", "BPE").putNull("dropout").putNull("unk_token").put("continuing_subword_prefix", "")
                .put("end_of_word_suffix", "").put("fuse_unk", false).put("byte_fallback", false).put("ignore_merges", false);
        bpe.set("vocab", vocab);
        ArrayNode merges = bpe.putArray("merges");
        if (g.value("tokenizer.ggml.merges").isPresent()) {
            g.strings("tokenizer.ggml.merges").forEach(merges::add);
        }
        return root;
    }

    private static ObjectNode byteLevel() {
        return JSON.createObjectNode().put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", false)
                .put("use_regex", false);
    }

    private static ObjectNode bosTemplate(String bos, int id) {
        ObjectNode t = JSON.createObjectNode().put("type", "TemplateProcessing");
        ArrayNode single = t.putArray("single");
        single.addObject().putObject("SpecialToken").put("id", bos).put("type_id", 0);
        single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        ArrayNode pair = t.putArray("pair");
        pair.addObject().putObject("SpecialToken").put("id", bos).put("type_id", 0);
        pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
        ObjectNode special = t.putObject("special_tokens").putObject(bos);
        special.put("id", bos);
        special.putArray("ids").add(id);
        special.putArray("tokens").add(bos);
        return t;
    }
}
