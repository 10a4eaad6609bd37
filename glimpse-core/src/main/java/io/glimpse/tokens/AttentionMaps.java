package io.glimpse.tokens;

import io.glimpse.io.BadInputException;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Per-patch attention maps of a vision tower, by {@link Key}: one value per ORIGINAL patch of a token set (length =
 * {@link TokenSet#patchCount()}), averaged over heads. Keys are typed; their spelling {@code cls@23} /
 * {@code received@23} exists only in files and specs, and {@link Key#parse} is the one place that reads it.
 * Immutable.
 */
public final class AttentionMaps {
    private static final AttentionMaps EMPTY = new AttentionMaps(Map.of());

    /** What a map measures. */
    public enum Kind {
        /** CLS→patch attention (towers with a CLS token). */
        CLS,
        /** The mean attention each patch receives from the patch queries, weighted by token size after merging. */
        RECEIVED;

        /** The spelling in files and specs. */
        public String spelling() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * The kind a spec or file spells ({@code cls} or {@code received}).
         *
         * @throws BadInputException for any other word
         */
        public static Kind parse(String spelling) {
            for (Kind k : values()) {
                if (k.spelling().equals(spelling)) {
                    return k;
                }
            }
            throw new BadInputException("attention kind '" + spelling + "' is not cls or received");
        }
    }

    /**
     * A map's identity: its kind and the transformer block it comes from, counted from 1 as papers count (CLIP-L/14's
     * penultimate block is 23).
     */
    public record Key(Kind kind, int block) {
        public Key {
            if (block < 1) {
                throw new IllegalArgumentException("attention block must be at least 1 (blocks count from 1), got " + block);
            }
        }

        /**
         * The key a file or spec spells {@code kind@block}.
         *
         * @throws BadInputException when it is not of that form
         */
        public static Key parse(String spelled) {
            int at = spelled.indexOf('@');
            if (at < 0 || !spelled.substring(at + 1).matches("[1-9][0-9]{0,8}")) {
                throw new BadInputException("attention map '" + spelled + "' is not named kind@block (e.g. cls@23)");
            }
            return new Key(Kind.parse(spelled.substring(0, at)), Integer.parseInt(spelled.substring(at + 1)));
        }

        /** The spelling, e.g. {@code cls@23}. */
        @Override
        public String toString() {
            return kind.spelling() + "@" + block;
        }
    }

    private final Map<Key, float[]> maps;

    private AttentionMaps(Map<Key, float[]> maps) {
        this.maps = Collections.unmodifiableMap(new LinkedHashMap<>(maps));
    }

    public static AttentionMaps empty() {
        return EMPTY;
    }

    /** The maps given, in that order. */
    public static AttentionMaps of(Map<Key, float[]> maps) {
        return maps.isEmpty() ? EMPTY : new AttentionMaps(maps);
    }

    /**
     * Maps by their file spelling.
     *
     * @throws BadInputException for a key that is not {@code kind@block}
     */
    public static AttentionMaps parse(Map<String, float[]> spelled) {
        Map<Key, float[]> m = new LinkedHashMap<>();
        spelled.forEach((k, v) -> m.put(Key.parse(k), v));
        return of(m);
    }

    /**
     * The maps of single-frame sets joined frame after frame, so they are indexed by original patch of the joined
     * set; every frame must carry the same keys.
     *
     * @param patches each frame's patch count
     */
    public static AttentionMaps concat(List<AttentionMaps> frames, int[] patches) {
        if (frames.isEmpty()) {
            return EMPTY;
        }
        Set<Key> keys = frames.get(0).keys();
        int total = 0;
        for (int f = 0; f < frames.size(); f++) {
            if (!frames.get(f).keys().equals(keys)) {
                throw new IllegalArgumentException("frames carry different attention keys");
            }
            total += patches[f];
        }
        Map<Key, float[]> out = new LinkedHashMap<>();
        for (Key key : keys) {
            float[] joined = new float[total];
            int at = 0;
            for (int f = 0; f < frames.size(); f++) {
                System.arraycopy(frames.get(f).get(key), 0, joined, at, patches[f]);
                at += patches[f];
            }
            out.put(key, joined);
        }
        return of(out);
    }

    /** The map of {@code key}, or null when there is none. */
    public float[] get(Key key) {
        return maps.get(key);
    }

    public Set<Key> keys() {
        return maps.keySet();
    }

    public boolean isEmpty() {
        return maps.isEmpty();
    }

    /** The maps by their file spelling, in order. */
    public Map<String, float[]> spelled() {
        Map<String, float[]> out = new LinkedHashMap<>();
        maps.forEach((k, v) -> out.put(k.toString(), v));
        return out;
    }

    @Override
    public String toString() {
        return maps.keySet().toString();
    }
}
