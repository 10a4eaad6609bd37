package io.glimpse.lm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.glimpse.io.BadInputException;
import io.glimpse.io.JsonFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The text rules of transformers' SiglipTokenizer (models/siglip/tokenization_siglip.py, the slow tokenizer, the
 * only one SigLIP has) over its spiece.model: the model is loaded with add_dummy_prefix off; the text gets a "▁"
 * in front and is lower-cased; it is split at special tokens, which swallow the whitespace beside them
 * (lstrip/rstrip); each piece between has ASCII punctuation removed, whitespace runs collapsed and its ends
 * stripped (big_vision's canonicalize_text), and is encoded with "&lt;unk&gt;" in front whose own pieces are then
 * dropped; "&lt;/s&gt;" closes the sequence unless it already ends with it.
 */
final class SiglipTokenizer implements TextTokenizer {
    private static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    private record Special(String text, int id, boolean lstrip, boolean rstrip) {
    }

    private final SentencePieceModel model;
    private final boolean lowerCase;
    private final List<Special> specials;
    private final String unknownText;
    private final int unknownLength;
    private final int eos;

    private SiglipTokenizer(SentencePieceModel model, boolean lowerCase, List<Special> specials, String unknownText, int eos) {
        this.model = model;
        this.lowerCase = lowerCase;
        this.specials = specials;
        this.unknownText = unknownText;
        this.unknownLength = model.encode(unknownText).length;
        this.eos = eos;
    }

    static SiglipTokenizer load(Path spiece, Path config) throws IOException {
        SentencePieceModel model = SentencePieceModel.read(spiece).withoutDummyPrefix();
        JsonNode root = Files.isRegularFile(config) ? JsonFiles.readObject(config) : MissingNode.getInstance();
        String tokenizerClass = root.path("tokenizer_class").asText("SiglipTokenizer");
        if (!tokenizerClass.equals("SiglipTokenizer")) {
            throw new BadInputException(config + ": tokenizer_class " + tokenizerClass
                    + " (a spiece.model is read with SiglipTokenizer's rules only)");
        }
        Map<String, Special> specials = new LinkedHashMap<>();
        for (JsonNode t : root.path("added_tokens_decoder")) {
            String text = t.path("content").asText();
            specials.put(text, new Special(text, pieceId(model, spiece, text), t.path("lstrip").asBoolean(false),
                    t.path("rstrip").asBoolean(false)));
        }
        String eos = tokenText(root, "eos_token", "</s>");
        String unknown = tokenText(root, "unk_token", "<unk>");
        for (String text : List.of(eos, unknown, tokenText(root, "pad_token", "</s>"))) {
            specials.putIfAbsent(text, new Special(text, pieceId(model, spiece, text), true, true));
        }
        return new SiglipTokenizer(model, root.path("do_lower_case").asBoolean(true), List.copyOf(specials.values()),
                unknown, pieceId(model, spiece, eos));
    }

    private static String tokenText(JsonNode root, String field, String fallback) {
        JsonNode t = root.path(field);
        return t.isObject() ? t.path("content").asText(fallback) : t.asText(fallback);
    }

    private static int pieceId(SentencePieceModel model, Path spiece, String text) {
        int id = model.id(text);
        if (id < 0) {
            throw new BadInputException(spiece + ": no piece " + text + " for the special token");
        }
        return id;
    }

    @Override
    public int[] encode(String text, boolean addSpecialTokens) {
        String s = SentencePieceNormalizer.SPACE + text.replace(SentencePieceNormalizer.SPACE, " ");
        if (lowerCase) {
            s = s.toLowerCase(Locale.ROOT);
        }
        List<Integer> ids = new ArrayList<>();
        Special before = null;
        int pos = 0;
        while (pos <= s.length()) {
            int at = s.length();
            Special next = null;
            for (Special sp : specials) {
                int i = s.indexOf(sp.text, pos);
                if (i >= 0 && (i < at || i == at && next != null && sp.text.length() > next.text.length())) {
                    at = i;
                    next = sp;
                }
            }
            String chunk = s.substring(pos, at);
            if (before != null && before.rstrip) {
                chunk = stripLeading(chunk);
            }
            if (next != null && next.lstrip) {
                chunk = stripTrailing(chunk);
            }
            for (int id : encodeChunk(chunk)) {
                ids.add(id);
            }
            if (next == null) {
                break;
            }
            ids.add(next.id);
            before = next;
            pos = at + next.text.length();
        }
        if (addSpecialTokens && (ids.isEmpty() || ids.getLast() != eos)) {
            ids.add(eos);
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    private int[] encodeChunk(String chunk) {
        if (chunk.isEmpty()) {
            return new int[0];
        }
        StringBuilder canonical = new StringBuilder();
        boolean space = false;
        for (int i = 0; i < chunk.length(); ) {
            int c = chunk.codePointAt(i);
            i += Character.charCount(c);
            if (c < 128 && PUNCTUATION.indexOf(c) >= 0) {
                continue;
            }
            if (isPythonSpace(c)) {
                space = true;
                continue;
            }
            if (space && !canonical.isEmpty()) {
                canonical.append(' ');
            }
            space = false;
            canonical.appendCodePoint(c);
        }
        int[] ids = model.encode(unknownText + canonical);
        return ids.length >= unknownLength ? Arrays.copyOfRange(ids, unknownLength, ids.length) : ids;
    }

    private boolean isSpecialPiece(int id) {
        return specials.stream().anyMatch(sp -> sp.id == id);
    }

    /** Python's str.isspace, which its re module's \s and str.strip follow. */
    private static boolean isPythonSpace(int c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == 0x85;
    }

    private static String stripLeading(String s) {
        int i = 0;
        while (i < s.length() && isPythonSpace(s.codePointAt(i))) {
            i += Character.charCount(s.codePointAt(i));
        }
        return s.substring(i);
    }

    private static String stripTrailing(String s) {
        int i = s.length();
        while (i > 0 && isPythonSpace(s.codePointBefore(i))) {
            i -= Character.charCount(s.codePointBefore(i));
        }
        return s.substring(0, i);
    }

    /** SentencePiece's decoding of the ids, special ones left out when asked, with its ends stripped. */
    @Override
    public String decode(int[] tokens, boolean skipSpecialTokens) {
        int[] kept = Arrays.stream(tokens).peek(this::checkId)
                .filter(t -> !(skipSpecialTokens && isSpecial(t))).toArray();
        return stripTrailing(stripLeading(model.decode(kept)));
    }

    private void checkId(int id) {
        if (id < 0 || id >= model.size()) {
            throw new IllegalArgumentException("token id " + id + " is outside the tokenizer's [0, " + model.size() + ")");
        }
    }

    @Override
    public int id(String token) {
        return model.id(token);
    }

    @Override
    public boolean isSpecial(int id) {
        return model.isControlOrUnknown(id) || isSpecialPiece(id);
    }

    @Override
    public int size() {
        return model.size();
    }

    @Override
    public void close() {
    }
}
