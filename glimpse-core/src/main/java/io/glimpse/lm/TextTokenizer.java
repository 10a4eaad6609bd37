package io.glimpse.lm;

import io.glimpse.io.BadInputException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Text to token ids and back, as a checkpoint's own tokenizer does it. */
public sealed interface TextTokenizer extends AutoCloseable permits HfTokenizer, SiglipTokenizer, LlamaSpmTokenizer {

    /**
     * Loads {@code path}: a tokenizer.json file, a SentencePiece {@code *.model} file, or a folder holding
     * tokenizer.json (preferred) or spiece.model (SigLIP checkpoints ship only that; its tokenizer_config.json is
     * read beside it).
     */
    static TextTokenizer load(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            Path json = path.resolve("tokenizer.json");
            Path spiece = path.resolve("spiece.model");
            if (Files.isRegularFile(json)) {
                return HfTokenizer.load(json);
            }
            if (Files.isRegularFile(spiece)) {
                return SiglipTokenizer.load(spiece, path.resolve("tokenizer_config.json"));
            }
            throw new BadInputException(path + ": no tokenizer.json or spiece.model in this folder");
        }
        if (!Files.isRegularFile(path)) {
            throw new BadInputException(path + ": no such file");
        }
        return path.getFileName().toString().endsWith(".model")
                ? SiglipTokenizer.load(path, path.resolveSibling("tokenizer_config.json"))
                : HfTokenizer.load(path);
    }

    /**
     * Token ids of {@code text}. Added tokens written in the text (e.g. {@code <image>}, {@code <|im_start|>}) map to
     * their ids; {@code addSpecialTokens} lets the post-processor add its tokens (Llama's BOS, SigLIP's EOS; Qwen2
     * adds none).
     */
    int[] encode(String text, boolean addSpecialTokens);

    /** Text of {@code tokens}; special tokens are left out when {@code skipSpecialTokens}. */
    String decode(int[] tokens, boolean skipSpecialTokens);

    /** The id of a vocabulary entry or added token (e.g. {@code <|im_end|>}), or -1 when absent. */
    int id(String token);

    /** Whether {@code id} is a special token. */
    boolean isSpecial(int id);

    /** One past the largest id the tokenizer can produce; embedding rows from here on are padding. */
    int size();

    @Override
    void close();
}
