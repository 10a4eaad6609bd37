package io.glimpse.lm.bytes;

import com.fasterxml.jackson.databind.JsonNode;
import io.glimpse.io.BadInputException;
import io.glimpse.io.JsonFiles;
import io.glimpse.lm.TextTokenizer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A BPE vocabulary as byte strings, read from the checkpoint's tokenizer.json beside the {@link TextTokenizer} that
 * runs it: what every token spells, which tokens start with each byte, the canonical encoding of a byte string
 * (the tokenizer's own {@code encode}), the token that ends a text and the tokens a text is conditioned on.
 *
 * <p>Two spellings are known. Byte-level BPE (GPT-2, Qwen2, Llama 3: a {@code ByteLevel} pre-tokenizer/decoder)
 * writes each byte as one character of GPT-2's printable alphabet. SentencePiece BPE (Llama 2, Mistral,
 * {@code byte_fallback}) writes spaces as ▁ and unknown characters as {@code <0xNN>} byte tokens; tokenizer.json
 * states it in one of two ways: a {@code Replace " " → "▁"} normalizer, where a {@code Prepend ▁} normalizer adds the
 * dummy prefix (the older "legacy" files), or a {@code Metaspace} pre-tokenizer with replacement ▁, where
 * {@code prepend_scheme} first/always (or the older {@code add_prefix_space}) adds it (the files transformers writes
 * since 4.40, e.g. llava-1.5-7b-hf's). The two differ on a text that starts with a space: Prepend adds ▁ to every
 * text (as sentencepiece's add_dummy_prefix and llama.cpp do), Metaspace only to one that does not start with ▁
 * (huggingface/tokenizers, pre_tokenizers/metaspace.rs), so {@code " a"} and {@code "a"} encode alike there.
 * {@link #modelled} adds the dummy prefix by the tokenizer's rule and {@link #encode} hands it back. A Metaspace that
 * {@code split}s cuts the text before every ▁, so no token crosses a space whatever the merges. Added tokens (specials such as
 * {@code <|im_start|>}, user-defined ones) spell no bytes: the tokenizer matches them before BPE, so a byte
 * string never tokenizes into them.
 */
public final class TokenBytes {
    /** Split pattern of GPT-2's ByteLevel pre-tokenizer when it carries its own regex ({@code use_regex}). */
    static final String GPT2_PATTERN = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

    /** How the vocabulary writes bytes. */
    public enum Spelling { BYTE_LEVEL, SENTENCEPIECE }

    /** When the tokenizer puts a space (▁) in front of a text. */
    private enum DummyPrefix { NEVER, ALWAYS, UNLESS_SPACE }

    private final TextTokenizer tokenizer;
    private final Spelling spelling;
    private final byte[][] bytes;
    private final int[][] byFirstByte;
    private final DummyPrefix dummyPrefix;
    private final Pattern split;
    private final boolean tokensCrossSpaces;
    private final int endOfText;
    private final int[] start;
    private final int dummyToken;

    private TokenBytes(TextTokenizer tokenizer, Spelling spelling, byte[][] bytes, DummyPrefix dummyPrefix, Pattern split,
                       boolean tokensCrossSpaces, int endOfText, int[] start) {
        this.tokenizer = tokenizer;
        this.spelling = spelling;
        this.bytes = bytes;
        this.dummyPrefix = dummyPrefix;
        this.split = split;
        this.tokensCrossSpaces = tokensCrossSpaces;
        this.endOfText = endOfText;
        this.start = start;
        List<List<Integer>> lists = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            lists.add(new ArrayList<>());
        }
        for (int id = 0; id < bytes.length; id++) {
            if (bytes[id] != null) {
                lists.get(bytes[id][0] & 0xFF).add(id);
            }
        }
        this.byFirstByte = lists.stream().map(l -> l.stream().mapToInt(Integer::intValue).toArray()).toArray(int[][]::new);
        this.dummyToken = tokenizer.id("\u2581");
    }

    /**
     * The vocabulary of {@code tokenizerJson}, run by {@code tokenizer} (loaded from the same file). A model other
     * than BPE, or a BPE that is neither byte-level nor SentencePiece-style, is bad input naming the file.
     */
    public static TokenBytes read(Path tokenizerJson, TextTokenizer tokenizer) throws IOException {
        return of(JsonFiles.readObject(tokenizerJson), tokenizerJson.toString(), tokenizer);
    }

    /**
     * The vocabulary of a tokenizer.json tree ({@code source} names where it came from in messages), run by
     * {@code tokenizer}; a GGUF file's tokenizer is such a tree too (lm.GgufTokenizer rebuilds it).
     */
    public static TokenBytes of(JsonNode root, String source, TextTokenizer tokenizer) {
        JsonNode model = root.path("model");
        if (!model.path("type").asText().equals("BPE") || !model.path("vocab").isObject()) {
            throw new BadInputException(source + ": byte-level probabilities need a BPE tokenizer, this one is '"
                    + model.path("type").asText() + "'");
        }
        Set<String> added = new HashSet<>();
        root.path("added_tokens").forEach(t -> added.add(t.path("content").asText()));
        boolean byteLevel = mentions(root.path("pre_tokenizer"), "ByteLevel") || mentions(root.path("decoder"), "ByteLevel");
        JsonNode metaspace = metaspace(root.path("pre_tokenizer"));
        boolean replaces = mentions(root.path("normalizer"), "Replace") && root.path("normalizer").toString().contains("\u2581");
        boolean sentencePiece = !byteLevel && model.path("byte_fallback").asBoolean(false) && (replaces || metaspace != null);
        if (!byteLevel && !sentencePiece) {
            throw new BadInputException(source + ": a BPE tokenizer that is neither byte-level (ByteLevel) nor "
                    + "SentencePiece-style (▁ for spaces, byte_fallback); its tokens' bytes are unknown");
        }
        int size = tokenizer.size();
        byte[][] bytes = new byte[size][];
        int[] inverse = byteLevel ? gpt2Inverse() : null;
        var fields = model.path("vocab").fields();
        while (fields.hasNext()) {
            var e = fields.next();
            int id = e.getValue().asInt();
            if (id < 0 || id >= size || added.contains(e.getKey())) {
                continue;
            }
            byte[] spelled = byteLevel ? byteLevelBytes(e.getKey(), inverse, source) : pieceBytes(e.getKey());
            bytes[id] = spelled.length > 0 ? spelled : null;
        }
        Pattern split = byteLevel ? splitPattern(root.path("pre_tokenizer")) : null;
        DummyPrefix dummy = !sentencePiece ? DummyPrefix.NEVER
                : mentions(root.path("normalizer"), "Prepend") ? DummyPrefix.ALWAYS
                : metaspace != null && prependsSpace(metaspace) ? DummyPrefix.UNLESS_SPACE : DummyPrefix.NEVER;
        boolean crosses = sentencePiece && !(metaspace != null && metaspace.path("split").asBoolean(false))
                && crossesSpaces(bytes);
        int eos = endOfText(tokenizer);
        int[] withSpecials = tokenizer.encode("", true);
        int[] start = withSpecials.length > 0 ? withSpecials : eos >= 0 ? new int[] {eos} : new int[0];
        if (start.length == 0) {
            throw new BadInputException(source + ": no BOS and no end-of-text token to condition the first byte on");
        }
        return new TokenBytes(tokenizer, byteLevel ? Spelling.BYTE_LEVEL : Spelling.SENTENCEPIECE, bytes, dummy, split,
                crosses, eos, start);
    }

    public Spelling spelling() {
        return spelling;
    }

    /** The bytes token {@code id} spells, or null for added tokens and ids outside the vocabulary. */
    public byte[] bytes(int id) {
        return id >= 0 && id < bytes.length ? bytes[id] : null;
    }

    /** Tokens whose bytes start with {@code b} (0–255), ascending. */
    int[] startingWith(int b) {
        return byFirstByte[b];
    }

    /** One past the largest id a text can hold: logits beyond it are embedding padding. */
    public int size() {
        return bytes.length;
    }

    /** The id that ends a text ({@code </s>}, {@code <|endoftext|>}, …), or -1. */
    public int endOfText() {
        return endOfText;
    }

    /** What every text is conditioned on: the post-processor's tokens (BOS), else the end-of-text token. */
    public int[] start() {
        return start.clone();
    }

    /** The bytes the model spells for {@code text}: with a dummy-prefix space in front when the tokenizer adds one. */
    public byte[] modelled(byte[] text) {
        int added = added(text);
        byte[] out = new byte[text.length + added];
        if (added > 0) {
            out[0] = ' ';
        }
        System.arraycopy(text, 0, out, added, text.length);
        return out;
    }

    /**
     * How many bytes {@link #modelled} puts in front of {@code text}: 1 for a dummy-prefix space, else 0. An empty
     * text under Metaspace's rule is taken as the start of one that does not start with a space.
     */
    public int added(byte[] text) {
        return switch (dummyPrefix) {
            case NEVER -> 0;
            case ALWAYS -> 1;
            case UNLESS_SPACE -> text.length > 0 && text[0] == ' ' ? 0 : 1;
        };
    }

    /**
     * The canonical encoding of modelled bytes {@code b} (complete UTF-8) that start the text or start at a
     * {@link Boundaries} anchor: the tokenizer's own tokens for them, the dummy-prefix space (which an anchor of a
     * SentencePiece vocabulary always stands on) handed back to the normalizer that adds it.
     */
    int[] encode(byte[] b) {
        if (dummyPrefix == DummyPrefix.ALWAYS && b.length == 1 && b[0] == ' ' && dummyToken >= 0) {
            // The empty text has no dummy prefix to encode, yet every other text starts with it, as ▁ where it does
            // not merge with the first word.
            return new int[] {dummyToken};
        }
        // Under Metaspace's rule the space b starts with stands in for the prefix: the tokenizer adds none before it.
        byte[] t = dummyPrefix == DummyPrefix.ALWAYS && b.length > 0 ? Arrays.copyOfRange(b, 1, b.length) : b;
        return tokenizer.encode(new String(t, StandardCharsets.UTF_8), false);
    }

    /** The pre-tokenizer's split pattern (byte-level vocabularies), or null. */
    Pattern split() {
        return split;
    }

    /** Whether some token joins a symbol to a following space (SentencePiece); then words are not independent. */
    boolean tokensCrossSpaces() {
        return tokensCrossSpaces;
    }

    private static boolean mentions(JsonNode node, String type) {
        if (node.isObject()) {
            if (node.path("type").asText().equals(type)) {
                return true;
            }
            for (JsonNode child : node) {
                if (mentions(child, type)) {
                    return true;
                }
            }
        } else if (node.isArray()) {
            for (JsonNode child : node) {
                if (mentions(child, type)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The pre-tokenizer's Split regex, GPT-2's when ByteLevel splits by itself, or null when nothing splits (the
     * whole text is one BPE word; then {@link Boundaries} anchors nothing). Java's Unicode classes
     * ({@code UNICODE_CHARACTER_CLASS}) stand in for Oniguruma's.
     */
    private static Pattern splitPattern(JsonNode pre) {
        List<String> regexes = new ArrayList<>();
        if (!collectSplits(pre, regexes) || regexes.size() != 1) {
            return null;
        }
        return Pattern.compile(regexes.get(0), Pattern.UNICODE_CHARACTER_CLASS);
    }

    /** Adds the split regexes under {@code node}; false when a step splits some other way (not modelled). */
    private static boolean collectSplits(JsonNode node, List<String> regexes) {
        if (node.isObject()) {
            String type = node.path("type").asText();
            if (type.equals("Split")) {
                if (!node.path("pattern").has("Regex") || !node.path("behavior").asText().equals("Isolated")
                        || node.path("invert").asBoolean(false)) {
                    return false;
                }
                regexes.add(node.path("pattern").path("Regex").asText());
                return true;
            }
            if (type.equals("ByteLevel")) {
                if (node.path("use_regex").asBoolean(true)) {
                    regexes.add(GPT2_PATTERN);
                }
                return true;
            }
            if (type.equals("Sequence")) {
                for (JsonNode child : node.path("pretokenizers")) {
                    if (!collectSplits(child, regexes)) {
                        return false;
                    }
                }
                return true;
            }
            return false;
        }
        return node.isNull() || node.isMissingNode();
    }

    private static int[] gpt2Inverse() {
        int[] inverse = new int[324];
        Arrays.fill(inverse, -1);
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
            inverse[printable ? b : next++] = b;
        }
        return inverse;
    }

    private static byte[] byteLevelBytes(String token, int[] inverse, String file) {
        byte[] out = new byte[token.length()];
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c >= inverse.length || inverse[c] < 0) {
                throw new BadInputException(file + ": token '" + token + "' has a character outside the byte-level alphabet");
            }
            out[i] = (byte) inverse[c];
        }
        return out;
    }

    private static byte[] pieceBytes(String piece) {
        if (piece.length() == 6 && piece.startsWith("<0x") && piece.endsWith(">")) {
            return new byte[] {(byte) Integer.parseInt(piece.substring(3, 5), 16)};
        }
        return piece.replace('\u2581', ' ').getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Whether a token spells a space after another byte. BPE makes a token only by merging two adjacent symbols, and
     * every merge result is in the vocabulary, so a merge across "c▁" (the tokenizers library's merge list,
     * llama.cpp's score-ordered merges of GGUF pieces alike) shows as a token holding "c ". The vocabulary is read
     * rather than the merge list because a GGUF SentencePiece vocabulary has none.
     */
    private static boolean crossesSpaces(byte[][] bytes) {
        for (byte[] b : bytes) {
            for (int i = 1; b != null && i < b.length; i++) {
                if (b[i] == ' ' && b[i - 1] != ' ') {
                    return true;
                }
            }
        }
        return false;
    }

    /** The Metaspace step with replacement ▁ of a pre-tokenizer (alone or in a Sequence), or null. */
    private static JsonNode metaspace(JsonNode pre) {
        if (pre.path("type").asText().equals("Metaspace")) {
            return pre.path("replacement").asText("\u2581").equals("\u2581") ? pre : null;
        }
        for (JsonNode child : pre.path("pretokenizers")) {
            JsonNode m = metaspace(child);
            if (m != null) {
                return m;
            }
        }
        return null;
    }

    /** Whether a Metaspace adds ▁ in front of the text: prepend_scheme first or always, or the older add_prefix_space. */
    private static boolean prependsSpace(JsonNode metaspace) {
        JsonNode scheme = metaspace.get("prepend_scheme");
        if (scheme != null && scheme.isTextual()) {
            return !scheme.asText().equals("never");
        }
        return metaspace.path("add_prefix_space").asBoolean(true);
    }

    private static int endOfText(TextTokenizer tokenizer) {
        for (String name : List.of("</s>", "<|endoftext|>", "<|end_of_text|>", "<eos>")) {
            int id = tokenizer.id(name);
            if (id >= 0) {
                return id;
            }
        }
        return -1;
    }
}
