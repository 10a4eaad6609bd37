package io.glimpse.job;

import io.glimpse.image.RgbImage;
import io.glimpse.io.BadInputException;
import io.glimpse.media.Sampling;
import io.glimpse.reduce.Pipeline;
import io.glimpse.reduce.ReduceContext;
import io.glimpse.tokens.VisualTokens;
import io.glimpse.tokens.TokenFile;
import io.glimpse.tokens.TokenSet;
import io.glimpse.vision.EncodeOptions;
import io.glimpse.vision.ImageProcessor;
import io.glimpse.vision.VisionTower;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

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
        VisionTower tower = VisionTower.load(o.model());
        ImageProcessor processor = ImageProcessor.read(o.model().resolve("preprocessor_config.json"));
        EncodeOptions options = EncodeOptions.defaults().withPostLayerNorm(o.postLayerNorm()).withTome(o.tome());
        if (o.layer() != null) {
            int n = tower.config().layers();
            if (o.layer() < -(n + 1) || o.layer() > n) {
                throw new BadInputException(o.model() + ": --layer " + o.layer() + " is outside [-" + (n + 1) + ", " + n
                        + "] (hidden_states of " + n + " layers)");
            }
            options = options.withLayer(o.layer());
        }
        if (o.reduce() != null) {
            Set<Integer> blocks = IntStream.rangeClosed(1, tower.config().layers()).boxed().collect(Collectors.toSet());
            options = options.withAttention(blocks, false);
        }
        Sampling sampling = o.frames() != null ? Sampling.count(o.frames()) : Sampling.fps(o.fps());
        List<RgbImage> images = new FrameReader(warnings).read(o.input(), sampling, MAX_FRAMES, "lower --fps or pass --frames N");
        long t0 = System.nanoTime();
        VisualTokens encoded = tower.encodeFrames(images, processor, options);
        long encodeNanos = System.nanoTime() - t0;
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("encoder", tower.config().architecture());
        meta.put("model", o.model().toAbsolutePath().normalize().getFileName().toString());
        meta.put("source", o.input().getFileName().toString());
        Pipeline.Result reduction = null;
        TokenSet tokens = encoded.tokens();
        if (o.reduce() != null) {
            Pipeline pipeline = tower.config().hasCls() ? o.reduce() : o.reduce().withoutCls();
            reduction = pipeline.run(tokens, new ReduceContext(0, encoded.attention(), null));
            tokens = reduction.tokens();
            meta.put("pipeline", pipeline.spec().toString());
        }
        TokenFile.write(tokens, o.out(), meta, encoded.attention());
        return new Result(images.size(), encodeNanos, tokens, reduction);
    }
}
