package io.glimpse.job;

import io.glimpse.image.RgbImage;
import io.glimpse.io.BadInputException;
import io.glimpse.io.GgufFile;
import io.glimpse.reduce.Pipeline;
import io.glimpse.reduce.ReduceContext;
import io.glimpse.tokens.VisualTokens;
import io.glimpse.vision.EncodeOptions;
import io.glimpse.vision.GgufVision;
import io.glimpse.vision.ImageProcessor;
import io.glimpse.vision.VisionTower;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A CLIP, SigLIP or LLaVA checkpoint's vision tower with its image processor and the options {@code glimpse encode}
 * takes: how {@link EncodeJob} encodes and reduces frames, for any caller that keeps the tower loaded across many
 * inputs (the corpus job, once per executor JVM). Immutable after loading, so threads may share one.
 */
public final class TowerEncoder {
    /**
     * @param model         checkpoint folder (config.json, *.safetensors, preprocessor_config.json) or a llama.cpp
     *                      mmproj GGUF file
     * @param layer         hidden_states index of the features (negative from the end), or null for the checkpoint's
     * @param postLayerNorm apply post_layernorm to the features
     * @param tome          tokens merged per layer inside the encoder (ToMe), 0 for none
     */
    public record Settings(Path model, Integer layer, boolean postLayerNorm, int tome) {
    }

    private final Settings settings;
    private final VisionTower tower;
    private final ImageProcessor processor;
    private final EncodeOptions options;

    private TowerEncoder(Settings settings, VisionTower tower, ImageProcessor processor, EncodeOptions options) {
        this.settings = settings;
        this.tower = tower;
        this.processor = processor;
        this.options = options;
    }

    /** Reads the checkpoint folder or mmproj GGUF file; a layer outside the tower is bad input. */
    public static TowerEncoder load(Settings s) throws IOException {
        VisionTower tower;
        ImageProcessor processor;
        if (isGguf(s.model())) {
            GgufFile mmproj = GgufFile.read(s.model());
            tower = VisionTower.load(mmproj);
            processor = GgufVision.processor(mmproj, tower.config(), false);
        } else {
            tower = VisionTower.load(s.model());
            processor = ImageProcessor.read(s.model().resolve("preprocessor_config.json"));
        }
        EncodeOptions options = EncodeOptions.defaults().withPostLayerNorm(s.postLayerNorm()).withTome(s.tome());
        if (s.layer() != null) {
            int n = tower.config().layers();
            if (s.layer() < -(n + 1) || s.layer() > n) {
                throw new BadInputException(s.model() + ": --layer " + s.layer() + " is outside [-" + (n + 1) + ", " + n
                        + "] (hidden_states of " + n + " layers)");
            }
            options = options.withLayer(s.layer());
        }
        return new TowerEncoder(s, tower, processor, options);
    }

    /** A llama.cpp mmproj file rather than a checkpoint folder: only the tower, no text tower to score a query. */
    public static boolean isGguf(Path model) {
        return Files.isRegularFile(model) && model.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gguf");
    }

    public Settings settings() {
        return settings;
    }

    /**
     * The frames' tokens, one frame after another, each resampled once by the checkpoint's processor.
     *
     * @param attention also return every block's attention maps (what a reduction reads)
     */
    public VisualTokens encode(List<RgbImage> images, boolean attention) {
        EncodeOptions o = options;
        if (attention) {
            o = o.withAttention(IntStream.rangeClosed(1, tower.config().layers()).boxed().collect(Collectors.toSet()), false);
        }
        return tower.encodeFrames(images, processor, o);
    }

    /** Runs {@code pipeline} on encoded tokens with their attention maps; stages scored by CLS attention need a CLS row. */
    public Pipeline.Result reduce(Pipeline pipeline, VisualTokens encoded) {
        return forTower(pipeline).run(encoded.tokens(), new ReduceContext(0, encoded.attention(), null));
    }

    /** The pipeline as it runs on this tower: towers without a CLS row (SigLIP) drop the stages that score by it. */
    public Pipeline forTower(Pipeline pipeline) {
        return tower.config().hasCls() ? pipeline : pipeline.withoutCls();
    }

    /** What a token file of this tower's tokens records about their encoder. */
    public Map<String, String> metadata() {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("encoder", tower.config().architecture());
        meta.put("model", settings.model().toAbsolutePath().normalize().getFileName().toString());
        return meta;
    }
}
