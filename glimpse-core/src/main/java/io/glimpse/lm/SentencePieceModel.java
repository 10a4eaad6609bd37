package io.glimpse.lm;

import io.glimpse.io.BadInputException;
import io.glimpse.io.ProtoReader;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * A SentencePiece model, read from its protobuf file (spiece.model, tokenizer.model; the message layout is
 * sentencepiece_model.proto of github.com/google/sentencepiece) or built from the pieces a GGUF file lists
 * ({@link #ofPieces}), and its encoding: the normaliser, then the segmentation of the model's type.
 * Unigram: the Viterbi segmentation of unigram_model.cc (Model::EncodeOptimized): at each character the best path so
 * far is extended by every piece starting there, a character no piece starts with becomes an unknown piece scored
 * min_score − 10, and the best path to the end is read back; runs of unknown characters become one unknown
 * piece (or its UTF-8 bytes as byte pieces under byte_fallback). BPE (Llama's vocabularies): characters are merged
 * pairwise, the adjacent pair whose merged text is the best-scored piece first (the leftmost on ties), until no pair
 * is a piece, as bpe_model.cc and llama.cpp's SPM tokenizer ({@code llm_tokenizer_spm_session}) do; a character left
 * that is no piece becomes its UTF-8 byte pieces.
 *
 * <p>Departures: WORD and CHAR models and treat_whitespace_as_suffix are refused rather than read, and
 * sampling (nbest, alpha) is not offered. BPE merges consider every piece as llama.cpp does, SentencePiece skips
 * unused ones.
 */
public final class SentencePieceModel {
    private static final float UNKNOWN_PENALTY = 10;

    enum Type { NORMAL, UNKNOWN, CONTROL, USER_DEFINED, UNUSED, BYTE }

    private record Piece(String text, float score, Type type) {
    }

    private final List<Piece> pieces;
    private final Map<String, Integer> ids;
    private final Map<String, Integer> segmentable;
    private final int maxPieceChars;
    private final int unknown;
    private final float minScore;
    private final float maxScore;
    private final boolean byteFallback;
    private final String unknownSurface;
    private final SentencePieceNormalizer normalizer;
    private final boolean bpe;

    private SentencePieceModel(List<Piece> pieces, boolean bpe, boolean byteFallback, String unknownSurface,
                               SentencePieceNormalizer normalizer, String source) {
        this.pieces = pieces;
        this.bpe = bpe;
        this.byteFallback = byteFallback;
        this.unknownSurface = unknownSurface;
        this.normalizer = normalizer;
        ids = new HashMap<>();
        segmentable = new HashMap<>();
        int unk = -1;
        int longest = 0;
        float min = Float.MAX_VALUE;
        // FLT_MIN, as SentencePiece starts it: user-defined pieces are scored from the largest normal score.
        float max = Float.MIN_NORMAL;
        for (int i = 0; i < pieces.size(); i++) {
            Piece p = pieces.get(i);
            ids.putIfAbsent(p.text, i);
            switch (p.type) {
                case NORMAL, USER_DEFINED, UNUSED -> {
                    segmentable.put(p.text, i);
                    longest = Math.max(longest, p.text.length());
                }
                case UNKNOWN -> unk = i;
                case CONTROL, BYTE -> { }
            }
            if (p.type == Type.NORMAL) {
                min = Math.min(min, p.score);
                max = Math.max(max, p.score);
            }
        }
        if (unk < 0) {
            throw new BadInputException(source + ": no piece of type UNKNOWN");
        }
        this.unknown = unk;
        this.maxPieceChars = longest;
        this.minScore = min;
        this.maxScore = max;
    }

    public static SentencePieceModel read(Path file) throws IOException {
        String source = file.toString();
        ProtoReader model = new ProtoReader(source, Files.readAllBytes(file));
        List<Piece> pieces = new ArrayList<>();
        boolean byteFallback = false;
        boolean bpe = false;
        String unknownSurface = " \u2047 ";
        CharsMap charsMap = null;
        boolean addDummyPrefix = true;
        boolean removeExtra = true;
        boolean escape = true;
        while (model.next()) {
            switch (model.field()) {
                case 1 -> pieces.add(piece(source, model.message()));
                case 2 -> {
                    ProtoReader trainer = model.message();
                    while (trainer.next()) {
                        switch (trainer.field()) {
                            case 3 -> {
                                long type = trainer.varint();
                                if (type != 1 && type != 2) {
                                    throw new BadInputException(source + ": model_type " + type
                                            + " (only Unigram, 1, and BPE, 2, SentencePiece models are read)");
                                }
                                bpe = type == 2;
                            }
                            case 24 -> {
                                if (trainer.varint() != 0) {
                                    throw new BadInputException(source + ": treat_whitespace_as_suffix is not supported");
                                }
                            }
                            case 35 -> byteFallback = trainer.varint() != 0;
                            case 44 -> unknownSurface = trainer.string();
                            default -> trainer.skip();
                        }
                    }
                }
                case 3 -> {
                    ProtoReader spec = model.message();
                    while (spec.next()) {
                        switch (spec.field()) {
                            case 2 -> {
                                byte[] blob = spec.bytes();
                                charsMap = blob.length == 0 ? null : CharsMap.read(source, blob);
                            }
                            case 3 -> addDummyPrefix = spec.varint() != 0;
                            case 4 -> removeExtra = spec.varint() != 0;
                            case 5 -> escape = spec.varint() != 0;
                            default -> spec.skip();
                        }
                    }
                }
                default -> model.skip();
            }
        }
        if (pieces.isEmpty()) {
            throw new BadInputException(source + ": no pieces (not a SentencePiece model)");
        }
        List<byte[]> userDefined = pieces.stream().filter(p -> p.type == Type.USER_DEFINED)
                .map(p -> p.text.getBytes(StandardCharsets.UTF_8)).toList();
        return new SentencePieceModel(pieces, bpe, byteFallback, unknownSurface,
                new SentencePieceNormalizer(charsMap, userDefined, addDummyPrefix, removeExtra, escape), source);
    }

    /**
     * A BPE model of the given pieces as llama.cpp reads a {@code tokenizer.ggml.model = llama} vocabulary: types by
     * SentencePiece's numbering (1 normal, 2 unknown, 3 control, 4 user-defined, 5 unused, 6 byte), byte fallback when
     * byte pieces exist, no normalisation beyond a leading "▁" ({@code addDummyPrefix}) and spaces as "▁".
     */
    static SentencePieceModel ofPieces(String source, List<String> texts, float[] scores, int[] types, boolean addDummyPrefix) {
        List<Piece> pieces = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            if (types[i] < 1 || types[i] > Type.values().length) {
                throw new BadInputException(source + ": token " + i + " has type " + types[i] + " (1 to 6)");
            }
            if (texts.get(i).isEmpty()) {
                throw new BadInputException(source + ": token " + i + " is empty");
            }
            pieces.add(new Piece(texts.get(i), scores[i], Type.values()[types[i] - 1]));
        }
        List<byte[]> userDefined = pieces.stream().filter(p -> p.type == Type.USER_DEFINED)
                .map(p -> p.text.getBytes(StandardCharsets.UTF_8)).toList();
        boolean bytes = pieces.stream().anyMatch(p -> p.type == Type.BYTE);
        return new SentencePieceModel(pieces, true, bytes, " \u2047 ",
                new SentencePieceNormalizer(null, userDefined, addDummyPrefix, false, true), source);
    }

    private static Piece piece(String source, ProtoReader m) {
        String text = null;
        float score = 0;
        Type type = Type.NORMAL;
        while (m.next()) {
            switch (m.field()) {
                case 1 -> text = m.string();
                case 2 -> score = m.float32();
                case 3 -> {
                    long t = m.varint();
                    if (t < 1 || t > Type.values().length) {
                        throw new BadInputException(source + ": piece type " + t);
                    }
                    type = Type.values()[(int) t - 1];
                }
                default -> m.skip();
            }
        }
        if (text == null || text.isEmpty()) {
            throw new BadInputException(source + ": a piece without text");
        }
        return new Piece(text, score, type);
    }

    /** The same model with normalizer_spec.add_dummy_prefix off, as transformers' SiglipTokenizer loads it. */
    SentencePieceModel withoutDummyPrefix() {
        return new SentencePieceModel(pieces, bpe, byteFallback, unknownSurface, normalizer.withoutDummyPrefix(), "");
    }

    public int[] encode(String text) {
        String s = normalizer.normalize(text);
        return bpe ? mergePairs(s) : viterbi(s);
    }

    private int[] viterbi(String s) {
        int n = s.length();
        float[] best = new float[n + 1];
        int[] startsAt = new int[n + 1];
        int[] id = new int[n + 1];
        Arrays.fill(startsAt, -1);
        float unknownScore = minScore - UNKNOWN_PENALTY;
        for (int start = 0; start < n; start = s.offsetByCodePoints(start, 1)) {
            float here = best[start];
            int single = s.offsetByCodePoints(start, 1);
            boolean hasSingle = false;
            for (int end = single; end <= Math.min(n, start + maxPieceChars); end++) {
                Integer piece = segmentable.get(s.substring(start, end));
                if (piece == null || pieces.get(piece).type == Type.UNUSED) {
                    continue;
                }
                // A user-defined piece's score is a double in SentencePiece, so the path sum is compared unrounded.
                double score = pieces.get(piece).type == Type.USER_DEFINED
                        ? utf8Length(s, start, end) * maxScore - 0.1 : pieces.get(piece).score;
                double candidate = score + here;
                if (startsAt[end] == -1 || candidate > best[end]) {
                    best[end] = (float) candidate;
                    startsAt[end] = start;
                    id[end] = piece;
                }
                hasSingle |= end == single;
            }
            if (!hasSingle) {
                float candidate = unknownScore + here;
                if (startsAt[single] == -1 || candidate > best[single]) {
                    best[single] = candidate;
                    startsAt[single] = start;
                    id[single] = unknown;
                }
            }
        }
        List<int[]> path = new ArrayList<>();
        for (int end = n; end > 0; end = startsAt[end]) {
            path.add(new int[] {startsAt[end], end, id[end]});
        }
        return ids(s, path.reversed());
    }

    /** One candidate merge of symbols {@code left} and {@code right} into a piece of {@code score}. */
    private record Pair(int left, int right, float score, int length) {
    }

    private int[] mergePairs(String s) {
        int n = s.codePointCount(0, s.length());
        String[] symbol = new String[n];
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0, at = 0; i < n; i++) {
            int end = s.offsetByCodePoints(at, 1);
            symbol[i] = s.substring(at, end);
            at = end;
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        PriorityQueue<Pair> queue = new PriorityQueue<>(Comparator.comparingDouble((Pair p) -> -p.score)
                .thenComparingInt(Pair::left));
        for (int i = 1; i < n; i++) {
            offer(queue, symbol, i - 1, i);
        }
        while (!queue.isEmpty()) {
            Pair p = queue.poll();
            // a pair whose symbols changed since it was offered is stale
            if (symbol[p.left].isEmpty() || symbol[p.right].isEmpty()
                    || symbol[p.left].length() + symbol[p.right].length() != p.length) {
                continue;
            }
            symbol[p.left] += symbol[p.right];
            symbol[p.right] = "";
            next[p.left] = next[p.right];
            if (next[p.right] >= 0) {
                prev[next[p.right]] = p.left;
            }
            offer(queue, symbol, prev[p.left], p.left);
            offer(queue, symbol, p.left, next[p.left]);
        }
        List<Integer> out = new ArrayList<>();
        for (int i = n == 0 ? -1 : 0; i != -1; i = next[i]) {
            Integer id = ids.get(symbol[i]);
            if (id != null) {
                out.add(id);
                continue;
            }
            for (byte b : symbol[i].getBytes(StandardCharsets.UTF_8)) {
                out.add(ids.getOrDefault(String.format(Locale.ROOT, "<0x%02X>", b & 0xFF), unknown));
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private void offer(PriorityQueue<Pair> queue, String[] symbol, int left, int right) {
        if (left < 0 || right < 0) {
            return;
        }
        String merged = symbol[left] + symbol[right];
        Integer id = ids.get(merged);
        if (id != null) {
            queue.add(new Pair(left, right, pieces.get(id).score, merged.length()));
        }
    }

    private int[] ids(String s, List<int[]> path) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < path.size(); i++) {
            int[] node = path.get(i);
            if (node[2] != unknown) {
                out.add(node[2]);
                continue;
            }
            int from = node[0];
            while (i + 1 < path.size() && path.get(i + 1)[2] == unknown) {
                i++;
            }
            String run = s.substring(from, path.get(i)[1]);
            if (!byteFallback) {
                out.add(unknown);
                continue;
            }
            for (byte b : run.getBytes(StandardCharsets.UTF_8)) {
                Integer piece = ids.get(String.format(Locale.ROOT, "<0x%02X>", b & 0xFF));
                out.add(piece == null ? unknown : piece);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int utf8Length(String s, int from, int to) {
        return s.substring(from, to).getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * The text of {@code tokens} as SentencePiece decodes it: "▁" becomes a space, the dummy prefix's space is dropped
     * at the start, control pieces vanish, the unknown piece shows as unk_surface and byte pieces join into UTF-8.
     */
    public String decode(int[] tokens) {
        StringBuilder text = new StringBuilder();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean first = true;
        for (int t : tokens) {
            Piece p = pieces.get(t);
            boolean atStart = first;
            first &= p.type == Type.CONTROL;
            if (p.type == Type.BYTE) {
                bytes.write(Integer.parseInt(p.text.substring(3, 5), 16));
                continue;
            }
            if (bytes.size() > 0) {
                text.append(bytes.toString(StandardCharsets.UTF_8));
                bytes.reset();
            }
            switch (p.type) {
                case CONTROL -> { }
                case UNKNOWN -> text.append(unknownSurface);
                default -> {
                    String piece = p.text;
                    // only the first piece carries the dummy prefix: "▁" pieces after it are spaces of the text
                    if (atStart && normalizer.addDummyPrefix() && piece.startsWith(SentencePieceNormalizer.SPACE)) {
                        piece = piece.substring(1);
                    }
                    text.append(piece.replace(SentencePieceNormalizer.SPACE, " "));
                }
            }
        }
        return text.append(bytes.toString(StandardCharsets.UTF_8)).toString();
    }

    /** The id of {@code piece}, or -1. */
    public int id(String piece) {
        return ids.getOrDefault(piece, -1);
    }

    public int size() {
        return pieces.size();
    }

    boolean isControlOrUnknown(int id) {
        Type t = pieces.get(id).type;
        return t == Type.CONTROL || t == Type.UNKNOWN;
    }
}
