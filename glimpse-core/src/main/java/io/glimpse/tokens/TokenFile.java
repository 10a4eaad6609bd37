package io.glimpse.tokens;

import io.glimpse.io.BadInputException;
import io.glimpse.io.SafeTensors;
import io.glimpse.io.TensorData;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A TokenSet stored as a safetensors file that numpy alone can read: the embeddings as an F32 [N,D] tensor and
 * the provenance as plain integer tensors beside it.
 *
 * <pre>
 * embeddings   F32 [N,D]      token_frame, token_row, token_col, token_size  I32 [N]
 * token_score  F32 [N] (optional)                       origin  I32 [P] (-1 = dropped)
 * frame_timestamp F64 [F]   frame_grid I32 [F,2] (h,w)   frame_pixels I32 [F,2] (w,h)
 * frame_scene  I32 [F]      frame_clip I32 [F]
 * </pre>
 * Metadata: {@code format=glimpse.tokens}, {@code version=1}, plus whatever the caller adds (e.g. encoder name).
 */
public final class TokenFile {
    public static final String FORMAT = "glimpse.tokens";

    private TokenFile() {
    }

    public static void write(TokenSet t, Path file, Map<String, String> extraMetadata) throws IOException {
        write(t, file, extraMetadata, AttentionMaps.empty());
    }

    /**
     * Writes the token set and, beside it, per-patch attention maps as {@code attention.<key>} tensors (see
     * {@link VisualTokens}), so a reduced file can be reduced again by attention-based methods.
     */
    public static void write(TokenSet t, Path file, Map<String, String> extraMetadata, AttentionMaps attention)
            throws IOException {
        int n = t.size();
        int f = t.frameCount();
        List<TensorData> out = new ArrayList<>();
        out.add(TensorData.ofFloats("embeddings", t.embeddingsView(), n, t.dim()));
        out.add(TensorData.ofInts("token_frame", t.tokenFrames(), n));
        out.add(TensorData.ofInts("token_row", t.rows(), n));
        out.add(TensorData.ofInts("token_col", t.cols(), n));
        out.add(TensorData.ofInts("token_size", t.sizes(), n));
        if (t.hasScores()) {
            out.add(TensorData.ofFloats("token_score", t.scores(), n));
        }
        out.add(TensorData.ofInts("origin", t.origin(), t.patchCount()));
        double[] ts = new double[f];
        int[] grid = new int[2 * f];
        int[] pixels = new int[2 * f];
        int[] scene = new int[f];
        int[] clip = new int[f];
        for (int i = 0; i < f; i++) {
            FrameInfo fi = t.frameInfo(i);
            ts[i] = fi.timestamp();
            grid[2 * i] = fi.gridH();
            grid[2 * i + 1] = fi.gridW();
            pixels[2 * i] = fi.pixelW();
            pixels[2 * i + 1] = fi.pixelH();
            scene[i] = fi.scene();
            clip[i] = fi.clip();
        }
        out.add(TensorData.ofDoubles("frame_timestamp", ts, f));
        out.add(TensorData.ofInts("frame_grid", grid, f, 2));
        out.add(TensorData.ofInts("frame_pixels", pixels, f, 2));
        out.add(TensorData.ofInts("frame_scene", scene, f));
        out.add(TensorData.ofInts("frame_clip", clip, f));
        attention.spelled().forEach((key, values) -> {
            if (values.length != t.patchCount()) {
                throw new IllegalArgumentException("attention map '" + key + "' has " + values.length
                        + " values for " + t.patchCount() + " patches");
            }
            out.add(TensorData.ofFloats(VisualTokens.ATTENTION_PREFIX + key, values, values.length));
        });
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("version", "1");
        if (extraMetadata != null) {
            meta.putAll(extraMetadata);
        }
        SafeTensors.write(file, out, meta);
    }

    /** True when the file carries Glimpse provenance (rather than a bare encoder output). */
    public static boolean isTokenFile(SafeTensors st) {
        return FORMAT.equals(st.metadata().get("format")) || (st.has("origin") && st.has("token_frame"));
    }

    public static TokenSet read(Path file) throws IOException {
        return fromTensors(SafeTensors.read(file), file);
    }

    public static TokenSet fromTensors(SafeTensors st, Path file) {
        TensorData emb = st.tensor("embeddings", file);
        if (emb.rank() != 2) {
            throw new BadInputException(file + ": 'embeddings' must be [N,D], has shape " + java.util.Arrays.toString(emb.shape()));
        }
        int n = emb.dim(0);
        int d = emb.dim(1);
        TensorData grid = st.tensor("frame_grid", file);
        int f = grid.rank() == 2 && grid.dim(1) == 2 ? grid.dim(0) : -1;
        if (f < 0) {
            throw new BadInputException(file + ": 'frame_grid' must be [F,2]");
        }
        double[] ts = vector(st, "frame_timestamp", f, file).toDoubles();
        int[] g = grid.toInts();
        int[] px = ints(st, "frame_pixels", 2 * f, file);
        int[] scene = ints(st, "frame_scene", f, file);
        int[] clip = ints(st, "frame_clip", f, file);
        List<FrameInfo> frames = new ArrayList<>(f);
        try {
            for (int i = 0; i < f; i++) {
                frames.add(new FrameInfo(ts[i], g[2 * i], g[2 * i + 1], px[2 * i], px[2 * i + 1], scene[i], clip[i]));
            }
            float[] score = st.has("token_score") ? vector(st, "token_score", n, file).requireFloating(file).toFloats() : null;
            float[] e = emb.requireFloating(file).toFloats();
            return TokenSet.of(d, e, ints(st, "token_frame", n, file), ints(st, "token_row", n, file),
                    ints(st, "token_col", n, file), ints(st, "token_size", n, file), score, frames,
                    st.tensor("origin", file).toInts());
        } catch (IllegalArgumentException e) {
            throw new BadInputException(file + ": inconsistent provenance: " + e.getMessage(), e);
        }
    }

    private static TensorData vector(SafeTensors st, String name, int len, Path file) {
        TensorData t = st.tensor(name, file);
        if (t.elements() != len) {
            throw new BadInputException(file + ": '" + name + "' has " + t.elements() + " elements, expected " + len);
        }
        return t;
    }

    private static int[] ints(SafeTensors st, String name, int len, Path file) {
        try {
            return vector(st, name, len, file).toInts();
        } catch (IllegalArgumentException e) {
            throw new BadInputException(file + ": " + e.getMessage(), e);
        }
    }
}
