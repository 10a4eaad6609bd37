package io.glimpse.cli;

import io.glimpse.io.AtomicFiles;
import io.glimpse.image.RgbImage;
import io.glimpse.media.FrameSize;
import io.glimpse.media.Sampling;
import io.glimpse.media.VideoSource;
import io.glimpse.reduce.Pipeline;
import io.glimpse.reduce.ReduceContext;
import io.glimpse.tokens.EncoderOutput;
import io.glimpse.tokens.TokenFile;
import io.glimpse.tokens.TokenSet;
import io.glimpse.vision.EncodeOptions;
import io.glimpse.vision.ImageProcessor;
import io.glimpse.vision.VisionTower;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** {@code glimpse encode --model DIR INPUT}: visual tokens from a CLIP or SigLIP checkpoint. */
@Command(name = "encode", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Encode an image or video with a Hugging Face CLIP/SigLIP checkpoint folder (config.json, "
                + "*.safetensors, preprocessor_config.json) into a Glimpse token file, optionally reduced."})
public final class EncodeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "INPUT", description = "Image or video file.")
    Path input;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Checkpoint folder.")
    Path model;

    @Option(names = "--layer", paramLabel = "L", description = "hidden_states index of the features (negative from the end; "
            + "default: the checkpoint's vision_feature_layer, else the last).")
    Integer layer;

    @Option(names = "--post-layernorm", description = "Apply post_layernorm to the features.")
    boolean postLayerNorm;

    @Option(names = "--tome", defaultValue = "0", paramLabel = "R", description = "Tokens merged per layer inside the encoder (ToMe; default: ${DEFAULT-VALUE}).")
    int tome;

    @Option(names = "--fps", defaultValue = "1", paramLabel = "F", description = "Frames sampled per second of video (default: ${DEFAULT-VALUE}).")
    double fps;

    @Option(names = "--frames", paramLabel = "N", description = "Sample N frames evenly instead of by fps.")
    Integer frames;

    @Option(names = "--reduce", paramLabel = "SPEC", description = "Reduction pipeline applied to the encoded tokens (attention maps of every block are supplied).")
    String reduce;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE", description = "Token file to write.")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    static final int MAX_FRAMES = 512;

    @Override
    public Integer call() throws Exception {
        AtomicFiles.checkTarget(out);
        Pipeline pipeline = reduce == null ? null : Pipeline.of(reduce);
        if (frames != null && (frames < 1 || frames > MAX_FRAMES)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--frames must be in [1, " + MAX_FRAMES + "]");
        }
        VisionTower tower = VisionTower.load(model);
        ImageProcessor processor = ImageProcessor.read(model.resolve("preprocessor_config.json"));
        EncodeOptions options = EncodeOptions.defaults().withPostLayerNorm(postLayerNorm).withTome(tome);
        if (layer != null) {
            options = options.withLayer(layer);
        }
        if (pipeline != null) {
            Set<Integer> blocks = IntStream.rangeClosed(1, tower.config().layers()).boxed().collect(Collectors.toSet());
            options = options.withAttention(blocks, false);
        }
        List<RgbImage> images = decode();
        long t0 = System.nanoTime();
        EncoderOutput encoded = tower.encodeFrames(images, processor, options).encoderOutput();
        double encodeMs = (System.nanoTime() - t0) / 1e6;
        TokenSet tokens = encoded.tokens();
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("encoder", tower.config().architecture());
        meta.put("model", model.toAbsolutePath().normalize().getFileName().toString());
        meta.put("source", input.getFileName().toString());
        if (pipeline != null) {
            Pipeline.Result r = pipeline.run(tokens, new ReduceContext(0, encoded.attention(), null));
            ReduceCommand.printStages(spec.commandLine().getOut(), r);
            tokens = r.tokens();
            meta.put("pipeline", pipeline.spec().toString());
        }
        TokenFile.write(tokens, out, meta, encoded.attention());
        spec.commandLine().getOut().printf(Locale.ROOT, "%d frames encoded in %.1f ms, %d tokens of dimension %d; wrote %s%n",
                images.size(), encodeMs, tokens.size(), tokens.dim(), out);
        return GlimpseCli.OK;
    }

    private List<RgbImage> decode() {
        List<RgbImage> images = new ArrayList<>();
        try (VideoSource src = VideoSource.open(input)) {
            Sampling sampling = frames != null ? Sampling.count(frames) : Sampling.fps(fps);
            var it = src.frames(sampling, FrameSize.original());
            while (it.hasNext()) {
                if (images.size() == MAX_FRAMES) {
                    throw new IllegalArgumentException(input + ": more than " + MAX_FRAMES + " frames at this sampling; "
                            + "lower --fps or pass --frames N");
                }
                images.add(it.next());
            }
            src.warnings().forEach(w -> spec.commandLine().getErr().println("glimpse: warning: " + w));
        }
        return images;
    }
}
