package io.glimpse.job;

import io.glimpse.image.RgbImage;
import io.glimpse.io.AtomicFiles;
import io.glimpse.media.Sampling;
import io.glimpse.reduce.Pipeline;
import io.glimpse.tokens.VisualTokens;
import io.glimpse.tokens.TokenFile;
import io.glimpse.tokens.TokenSet;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Image or video → a CLIP/SigLIP tower's visual tokens, optionally reduced → a token file: {@code glimpse encode}. */
public final class EncodeJob {
    /** Most frames one encode keeps in memory. */
    public static final int MAX_FRAMES = 512;

    /**
     * @param layer         hidden_states index of the features (negative from the end), or null for the checkpoint's
     * @param frames        frames sampled evenly, or null to sample {@code fps} frames a second
     * @param reduce        reduction applied to the encoded tokens with every block's attention maps, or null
     */
    public record Options(Path model, Path input, Integer layer, boolean postLayerNorm, int tome, double fps, Integer frames,
                          Pipeline reduce, Path out) {
    }

    /**
     * @param reduction the reduction's stages, or null without one
     */
    public record Result(int frames, long encodeNanos, TokenSet tokens, Pipeline.Result reduction) {
    }

    private EncodeJob() {
    }

    public static Result run(Options o, Consumer<String> warnings) throws IOException {
        AtomicFiles.checkTarget(o.out());
        TowerEncoder encoder = TowerEncoder.load(new TowerEncoder.Settings(o.model(), o.layer(), o.postLayerNorm(), o.tome()));
        Sampling sampling = o.frames() != null ? Sampling.count(o.frames()) : Sampling.fps(o.fps());
        List<RgbImage> images = new FrameReader(warnings).read(o.input(), sampling, MAX_FRAMES, "lower --fps or pass --frames N");
        long t0 = System.nanoTime();
        VisualTokens encoded = encoder.encode(images, o.reduce() != null);
        long encodeNanos = System.nanoTime() - t0;
        Map<String, String> meta = encoder.metadata();
        meta.put("source", o.input().getFileName().toString());
        Pipeline.Result reduction = null;
        TokenSet tokens = encoded.tokens();
        if (o.reduce() != null) {
            reduction = encoder.reduce(o.reduce(), encoded);
            tokens = reduction.tokens();
            meta.put("pipeline", encoder.forTower(o.reduce()).spec().toString());
        }
        TokenFile.write(tokens, o.out(), meta, encoded.attention());
        return new Result(images.size(), encodeNanos, tokens, reduction);
    }
}
