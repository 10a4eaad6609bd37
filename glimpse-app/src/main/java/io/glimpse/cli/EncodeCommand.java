package io.glimpse.cli;

import io.glimpse.job.EncodeJob;
import io.glimpse.reduce.Pipeline;
import io.glimpse.report.TextReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code glimpse encode --model DIR INPUT}: visual tokens from a CLIP or SigLIP checkpoint. */
@Command(name = "encode", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Encode an image or video with a Hugging Face CLIP/SigLIP checkpoint folder (config.json, "
                + "*.safetensors, preprocessor_config.json) or a llama.cpp mmproj GGUF file into a Glimpse token file, "
                + "optionally reduced."})
public final class EncodeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "INPUT", description = "Image or video file.")
    Path input;

    @Option(names = "--model", required = true, paramLabel = "DIR|FILE", description = "Checkpoint folder, or an mmproj .gguf file.")
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

    @Override
    public Integer call() throws Exception {
        Pipeline pipeline = reduce == null ? null : Pipeline.of(reduce);
        if (frames != null && (frames < 1 || frames > EncodeJob.MAX_FRAMES)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--frames must be in [1, " + EncodeJob.MAX_FRAMES + "]");
        }
        if (!(fps > 0) || Double.isInfinite(fps)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--fps must be positive, got " + fps);
        }
        EncodeJob.Result r = EncodeJob.run(new EncodeJob.Options(model, input, layer, postLayerNorm, tome, fps, frames, pipeline, out),
                Console.warnings(spec.commandLine()));
        PrintWriter o = spec.commandLine().getOut();
        if (r.reduction() != null) {
            TextReport.stages(o, r.reduction().stages());
        }
        o.printf(Locale.ROOT, "%d frames encoded in %.1f ms, %d tokens of dimension %d; wrote %s%n",
                r.frames(), r.encodeNanos() / 1e6, r.tokens().size(), r.tokens().dim(), out);
        return GlimpseCli.OK;
    }
}
