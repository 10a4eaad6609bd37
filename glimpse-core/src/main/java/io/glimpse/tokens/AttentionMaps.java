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
 * Beside the maps, the head-mean attention keys of some blocks ({@link #keyRows}): one row of {@link #keyDim} values
 * per original patch, the similarity metric of ToMe and VisionZip. Immutable.
 */
public final class AttentionMaps {
    private static final AttentionMaps EMPTY = new AttentionMaps(Map.of(), Map.of(), 0);

    /** What a map measures. */
    public enum Kind {
        /** CLS→patch attention (towers with a CLS token). */
        CLS,
        /** The mean attention each patch receives from the patch queries, weighted by token size after merging. */
        RECEIVED,
        /**
         * The mean attention each patch receives from every query, the CLS query included (HiPrune's "global
         * attention", {@code attn.mean(1).mean(1)[:, 1:]}); the same as {@link #RECEIVED} on towers without CLS.
         */
        GLOBAL;

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
            throw new BadInputException("attention kind '" + spelling + "' is not cls, received or global");
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

    /**
     * Which maps and key rows an encoder should hand a pipeline, by block (from 1).
     *
     * @param maps blocks whose maps (every kind) are needed
     * @param keys blocks whose head-mean key rows are needed
     */
    public record Request(Set<Integer> maps, Set<Integer> keys) {
        /** Nothing beyond the tokens. */
        public static final Request NONE = new Request(Set.of(), Set.of());

        public Request {
            maps = Set.copyOf(maps);
            keys = Set.copyOf(keys);
        }

        public boolean isEmpty() {
            return maps.isEmpty() && keys.isEmpty();
        }

        /** The blocks up to {@code depth}: a tower of that many blocks has no others to give. */
        public Request within(int depth) {
            return new Request(maps.stream().filter(b -> b <= depth).collect(java.util.stream.Collectors.toSet()),
                    keys.stream().filter(b -> b <= depth).collect(java.util.stream.Collectors.toSet()));
        }

        /** Both requests' blocks. */
        public Request and(Request other) {
            Set<Integer> m = new java.util.TreeSet<>(maps);
            m.addAll(other.maps);
            Set<Integer> k = new java.util.TreeSet<>(keys);
            k.addAll(other.keys);
            return new Request(m, k);
        }
    }

    private final Map<Key, float[]> maps;
    private final Map<Integer, float[]> keyRows;
    private final int keyDim;

    private AttentionMaps(Map<Key, float[]> maps, Map<Integer, float[]> keyRows, int keyDim) {
        this.maps = Collections.unmodifiableMap(new LinkedHashMap<>(maps));
        this.keyRows = Collections.unmodifiableMap(new LinkedHashMap<>(keyRows));
        this.keyDim = keyDim;
    }

    public static AttentionMaps empty() {
        return EMPTY;
    }

    /** The maps given, in that order. */
    public static AttentionMaps of(Map<Key, float[]> maps) {
        return of(maps, Map.of(), 0);
    }

    /**
     * The maps and, by block, head-mean key rows (patches × keyDim, row-major).
     *
     * @throws IllegalArgumentException when a key matrix is not a whole number of rows of keyDim
     */
    public static AttentionMaps of(Map<Key, float[]> maps, Map<Integer, float[]> keyRows, int keyDim) {
        if (maps.isEmpty() && keyRows.isEmpty()) {
            return EMPTY;
        }
        for (Map.Entry<Integer, float[]> e : keyRows.entrySet()) {
            if (keyDim < 1 || e.getValue().length % keyDim != 0) {
                throw new IllegalArgumentException("key rows of block " + e.getKey() + " hold " + e.getValue().length
                        + " values, not rows of " + keyDim);
            }
        }
        return new AttentionMaps(maps, keyRows, keyRows.isEmpty() ? 0 : keyDim);
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
        Set<Integer> keyBlocks = frames.get(0).keyBlocks();
        int keyDim = frames.get(0).keyDim();
        int total = 0;
        for (int f = 0; f < frames.size(); f++) {
            if (!frames.get(f).keys().equals(keys) || !frames.get(f).keyBlocks().equals(keyBlocks)
                    || frames.get(f).keyDim() != keyDim) {
                throw new IllegalArgumentException("frames carry different attention maps or key rows");
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
        Map<Integer, float[]> rows = new LinkedHashMap<>();
        for (int block : keyBlocks) {
            float[] joined = new float[total * keyDim];
            int at = 0;
            for (int f = 0; f < frames.size(); f++) {
                System.arraycopy(frames.get(f).keyRows(block), 0, joined, at, patches[f] * keyDim);
                at += patches[f] * keyDim;
            }
            rows.put(block, joined);
        }
        return of(out, rows, keyDim);
    }

    /** The map of {@code key}, or null when there is none. */
    public float[] get(Key key) {
        return maps.get(key);
    }

    public Set<Key> keys() {
        return maps.keySet();
    }

    /** Block {@code block}'s head-mean key rows (one per original patch, {@link #keyDim} wide), or null. */
    public float[] keyRows(int block) {
        return keyRows.get(block);
    }

    /** Blocks whose key rows are held. */
    public Set<Integer> keyBlocks() {
        return keyRows.keySet();
    }

    /** Width of the key rows (a head's dimension), 0 when none are held. */
    public int keyDim() {
        return keyDim;
    }

    /** True when neither maps nor key rows are held. */
    public boolean isEmpty() {
        return maps.isEmpty() && keyRows.isEmpty();
    }

    /** The maps by their file spelling, in order. */
    public Map<String, float[]> spelled() {
        Map<String, float[]> out = new LinkedHashMap<>();
        maps.forEach((k, v) -> out.put(k.toString(), v));
        return out;
    }

    @Override
    public String toString() {
        return keyRows.isEmpty() ? maps.keySet().toString() : maps.keySet() + " and keys of blocks " + keyRows.keySet();
    }
}
