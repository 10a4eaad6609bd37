package io.glimpse.vision;

import io.glimpse.tokens.FrameInfo;
import io.glimpse.tokens.EncoderOutput;
import io.glimpse.tokens.TokenSet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Several images or video frames through a vision tower: one TokenSet whose frame table has a row per frame, and
 * attention vectors concatenated frame after frame so they are indexed by original patch of the whole set, as
 * {@code ReduceContext.attention()} expects.
 *
 * @param outputs the raw pass of each frame, in order
 */
public record EncodedFrames(TokenSet tokens, Map<String, float[]> attention, List<VisionOutput> outputs) {
    public EncodedFrames {
        attention = Map.copyOf(attention);
        outputs = List.copyOf(outputs);
    }

    /** Joins single-frame encodings in order; every one must carry the same attention keys. */
    public static EncodedFrames of(List<EncodedImage> frames) {
        if (frames.isEmpty()) {
            throw new IllegalArgumentException("no frames to join");
        }
        int d = frames.get(0).tokens().dim();
        int n = 0;
        int patches = 0;
        for (EncodedImage e : frames) {
            if (e.tokens().dim() != d || e.tokens().frameCount() != 1) {
                throw new IllegalArgumentException("frames must be single-frame encodings of one dimension " + d);
            }
            if (!e.attention().keySet().equals(frames.get(0).attention().keySet())) {
                throw new IllegalArgumentException("frames carry different attention keys");
            }
            n += e.tokens().size();
            patches += e.tokens().patchCount();
        }
        float[] emb = new float[n * d];
        int[] frame = new int[n];
        int[] row = new int[n];
        int[] col = new int[n];
        int[] size = new int[n];
        int[] origin = new int[patches];
        List<FrameInfo> infos = new ArrayList<>();
        Map<String, float[]> attention = new LinkedHashMap<>();
        for (String key : frames.get(0).attention().keySet()) {
            attention.put(key, new float[patches]);
        }
        List<VisionOutput> outputs = new ArrayList<>();
        int t0 = 0;
        int p0 = 0;
        for (int f = 0; f < frames.size(); f++) {
            EncodedImage e = frames.get(f);
            TokenSet ts = e.tokens();
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
            for (Map.Entry<String, float[]> a : e.attention().entrySet()) {
                System.arraycopy(a.getValue(), 0, attention.get(a.getKey()), p0, ts.patchCount());
            }
            infos.add(ts.frameInfo(0));
            outputs.add(e.output());
            t0 += ts.size();
            p0 += ts.patchCount();
        }
        return new EncodedFrames(TokenSet.of(d, emb, frame, row, col, size, null, infos, origin), attention, outputs);
    }

    /** Tokens and attention in the form the reduce and plan commands read (and TokenFile writes). */
    public EncoderOutput encoderOutput() {
        return new EncoderOutput(tokens, attention);
    }
}
