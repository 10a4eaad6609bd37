package io.glimpse.tokens;

import io.glimpse.io.BadInputException;
import io.glimpse.io.SafeTensors;
import io.glimpse.io.TensorData;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Visual tokens and the encoder's attention maps over their original patches: what a tower gives, a reduction
 * takes and a token file holds. {@link #read} reads them from any framework's safetensors output, or from a Glimpse
 * token file.
 *
 * <p>Accepted layouts: a Glimpse token file (see {@link TokenFile}); or one float tensor named {@code embeddings},
 * {@code features}, {@code last_hidden_state} or {@code image_features} (or the only float tensor of rank 2–3), shaped
 * [N,D] for one image or [T,H·W,D] for T frames. The grid comes from {@code gridH}/{@code gridW} metadata, the
 * caller, or a square N. With {@code dropCls} the first token of each frame is a CLS token and is removed.
 * Attention maps ride along as tensors named {@code attention.<key>} (e.g. {@code attention.cls@23}), shaped [P] or
 * [T,H·W] over the original patches, or [T,1+H·W] when {@code dropCls} is set.
 *
 * @param tokens    the token set
 * @param attention attention maps by key, each of length tokens.patchCount()
 */
public record VisualTokens(TokenSet tokens, AttentionMaps attention) {
    private static final List<String> NAMES = List.of("embeddings", "features", "last_hidden_state", "image_features");
    public static final String ATTENTION_PREFIX = "attention.";

    public VisualTokens {
        Objects.requireNonNull(attention, "attention");
    }

    /** Tokens without attention maps. */
    public static VisualTokens of(TokenSet tokens) {
        return new VisualTokens(tokens, AttentionMaps.empty());
    }

    /**
     * Single-frame encodings joined in order: one TokenSet whose frame table has a row per frame, and attention maps
     * concatenated frame after frame so they are indexed by original patch of the whole set. Every frame must carry
     * the same attention keys.
     */
    public static VisualTokens ofFrames(List<VisualTokens> frames) {
        if (frames.isEmpty()) {
            throw new IllegalArgumentException("no frames to join");
        }
        int d = frames.get(0).tokens().dim();
        int n = 0;
        int patches = 0;
        int[] framePatches = new int[frames.size()];
        for (int f = 0; f < frames.size(); f++) {
            TokenSet ts = frames.get(f).tokens();
            if (ts.dim() != d || ts.frameCount() != 1) {
                throw new IllegalArgumentException("frames must be single-frame encodings of one dimension " + d);
            }
            n += ts.size();
            framePatches[f] = ts.patchCount();
            patches += ts.patchCount();
        }
        float[] emb = new float[n * d];
        int[] frame = new int[n];
        int[] row = new int[n];
        int[] col = new int[n];
        int[] size = new int[n];
        int[] origin = new int[patches];
        List<FrameInfo> infos = new ArrayList<>();
        int t0 = 0;
        int p0 = 0;
        for (int f = 0; f < frames.size(); f++) {
            TokenSet ts = frames.get(f).tokens();
            System.arraycopy(ts.embeddingsView(), 0, emb, t0 * d, ts.size() * d);
            for (int t = 0; t < ts.size(); t++) {
                frame[t0 + t] = f;
                row[t0 + t] = ts.row(t);
                col[t0 + t] = ts.col(t);
                size[t0 + t] = ts.tokenSize(t);
            }
            for (int p = 0; p < ts.patchCount(); p++) {
                int o = ts.origin(p);
                origin[p0 + p] = o < 0 ? -1 : t0 + o;
            }
            infos.add(ts.frameInfo(0));
            t0 += ts.size();
            p0 += ts.patchCount();
        }
        AttentionMaps attention = AttentionMaps.concat(frames.stream().map(VisualTokens::attention).toList(), framePatches);
        return new VisualTokens(TokenSet.of(d, emb, frame, row, col, size, null, infos, origin), attention);
    }

    /**
     * @param gridH   patch rows, or 0 to take it from metadata or a square token count
     * @param gridW   patch columns, or 0 likewise
     * @param dropCls remove the first token of each frame
     * @param fps     frame rate used to give frames timestamps (frame i at i/fps seconds)
     */
    public static VisualTokens read(Path file, int gridH, int gridW, boolean dropCls, double fps) throws IOException {
        SafeTensors st = SafeTensors.read(file);
        if (TokenFile.isTokenFile(st)) {
            TokenSet t = TokenFile.fromTensors(st, file);
            return new VisualTokens(t, attention(st, file, t.frameCount(), t.patchCount() / Math.max(1, t.frameCount()), false, t.patchCount()));
        }
        TensorData emb = embeddingTensor(st, file);
        int frames = emb.rank() == 3 ? emb.dim(0) : 1;
        int perFrame = emb.rank() == 3 ? emb.dim(1) : emb.dim(0);
        int d = emb.dim(emb.rank() - 1);
        int patches = perFrame - (dropCls ? 1 : 0);
        if (patches < 1 || d < 1 || frames < 1) {
            throw new BadInputException(file + ": '" + emb.name() + "' of shape " + Arrays.toString(emb.shape())
                    + " holds no patches" + (dropCls ? " after dropping CLS" : ""));
        }
        int[] grid = grid(file, st, patches, gridH, gridW, dropCls);
        float[] all = emb.requireFloating(file).toFloats();
        float[] kept = new float[frames * patches * d];
        int skip = dropCls ? 1 : 0;
        for (int f = 0; f < frames; f++) {
            System.arraycopy(all, (f * perFrame + skip) * d, kept, f * patches * d, patches * d);
        }
        for (int i = 0; i < kept.length; i++) {
            if (!Float.isFinite(kept[i])) {
                throw new BadInputException(file + ": '" + emb.name() + "' has a non-finite value at token "
                        + i / d + ", dimension " + i % d);
            }
        }
        List<FrameInfo> infos = new ArrayList<>(frames);
        for (int f = 0; f < frames; f++) {
            infos.add(new FrameInfo(f / fps, grid[0], grid[1], 0, 0, 0, -1));
        }
        TokenSet t = TokenSet.fromGrid(kept, d, infos);
        return new VisualTokens(t, attention(st, file, frames, patches, dropCls, t.patchCount()));
    }

    private static TensorData embeddingTensor(SafeTensors st, Path file) {
        for (String n : NAMES) {
            if (st.has(n)) {
                return checkRank(st.tensors().get(n), file);
            }
        }
        List<TensorData> candidates = st.tensors().values().stream()
                .filter(t -> t.dtype().isFloating() && (t.rank() == 2 || t.rank() == 3) && !t.name().startsWith(ATTENTION_PREFIX))
                .toList();
        if (candidates.size() != 1) {
            throw new BadInputException(file + ": cannot tell which tensor holds the tokens; name it one of " + NAMES
                    + " (found " + st.tensors().keySet() + ")");
        }
        return candidates.get(0);
    }

    private static TensorData checkRank(TensorData t, Path file) {
        if (t.rank() != 2 && t.rank() != 3) {
            throw new BadInputException(file + ": '" + t.name() + "' must be [N,D] or [T,N,D], has shape " + Arrays.toString(t.shape()));
        }
        return t;
    }

    private static int[] grid(Path file, SafeTensors st, int patches, int gridH, int gridW, boolean dropCls) {
        int h = gridH;
        int w = gridW;
        if (h == 0 && w == 0) {
            h = metaInt(st, file, "gridH");
            w = metaInt(st, file, "gridW");
        }
        if (h == 0 && w == 0) {
            int s = (int) Math.round(Math.sqrt(patches));
            if (s * s == patches) {
                return new int[]{s, s};
            }
            int withCls = (int) Math.round(Math.sqrt(patches - 1));
            String hint = !dropCls && withCls * withCls == patches - 1 ? " (it looks like a CLS token plus a "
                    + withCls + "x" + withCls + " grid: pass --drop-cls)" : "";
            throw new BadInputException(file + ": " + patches + " tokens per frame are not a square grid; give the grid"
                    + " (e.g. --grid 24x24)" + hint);
        }
        if (h <= 0 || w <= 0 || (long) h * w != patches) {
            throw new BadInputException(file + ": grid " + h + "x" + w + " does not hold the " + patches + " tokens per frame");
        }
        return new int[]{h, w};
    }

    private static int metaInt(SafeTensors st, Path file, String key) {
        String v = st.metadata().get(key);
        if (v == null) {
            return 0;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new BadInputException(file + ": metadata " + key + " = '" + v + "' is not an integer");
        }
    }

    private static AttentionMaps attention(SafeTensors st, Path file, int frames, int patches, boolean dropCls, int total) {
        Map<AttentionMaps.Key, float[]> out = new LinkedHashMap<>();
        for (TensorData t : st.tensors().values()) {
            if (!t.name().startsWith(ATTENTION_PREFIX)) {
                continue;
            }
            AttentionMaps.Key key;
            try {
                key = AttentionMaps.Key.parse(t.name().substring(ATTENTION_PREFIX.length()));
            } catch (BadInputException e) {
                throw new BadInputException(file + ": tensor '" + t.name() + "': " + e.getMessage());
            }
            float[] v = t.requireFloating(file).toFloats();
            int perFrame = patches + (dropCls ? 1 : 0);
            if (v.length == (long) frames * perFrame && dropCls) {
                float[] kept = new float[total];
                for (int f = 0; f < frames; f++) {
                    System.arraycopy(v, f * perFrame + 1, kept, f * patches, patches);
                }
                v = kept;
            }
            if (v.length != total) {
                throw new BadInputException(file + ": attention map '" + t.name() + "' has " + v.length
                        + " values, expected one per patch (" + total + ")");
            }
            for (float x : v) {
                if (!Float.isFinite(x)) {
                    throw new BadInputException(file + ": attention map '" + t.name() + "' has a non-finite value");
                }
            }
            out.put(key, v);
        }
        return AttentionMaps.of(out);
    }
}
