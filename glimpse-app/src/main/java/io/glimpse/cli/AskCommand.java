package io.glimpse.cli;

import io.glimpse.io.BadInputException;
import io.glimpse.job.AskJob;
import io.glimpse.job.EncodeJob;
import io.glimpse.plan.PlanMethod;
import io.glimpse.plan.PlanRequest;
import io.glimpse.reduce.Pipeline;
import io.glimpse.report.TextReport;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code glimpse ask --model DIR (--image F… | --video F) PROMPT}: a streamed answer from a LLaVA checkpoint. */
@Command(name = "ask", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Answer a question about images or a video with a LLaVA-1.5 / LLaVA-OneVision checkpoint folder "
                + "(config.json, *.safetensors, tokenizer.json, preprocessor_config.json), streaming the answer to stdout. "
                + "Reduction runs on the vision tower's tokens, before the projector."})
public final class AskCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "PROMPT", description = "The question.")
    String prompt;

    @Option(names = "--model", required = true, paramLabel = "DIR|FILE", description = "Checkpoint folder, or a GGUF "
            + "language model with --mmproj.")
    Path model;

    @Option(names = "--mmproj", paramLabel = "FILE", description = "llama.cpp mmproj GGUF (vision tower and projector) "
            + "for a GGUF --model, as llama-mtmd-cli takes it.")
    Path mmproj;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--image", paramLabel = "FILE", description = "Image file, one placeholder each; repeat for several.")
        List<Path> images;

        @Option(names = "--video", paramLabel = "FILE", description = "Video file.")
        Path video;
    }

    @Option(names = "--weights", defaultValue = "auto", paramLabel = "FORMAT",
            description = "Decoder weights: auto (as stored, mapped from the checkpoint), f32, f16, bf16, q8_0 or q4_0 "
                    + "(converted once on load); GGUF files may also store q4_k and q6_k, read as stored with auto "
                    + "(default: ${DEFAULT-VALUE}).")
    String weights;

    @Option(names = "--threads", paramLabel = "N", description = "Threads for decode and prefill (default: every core).")
    Integer threads;

    @Option(names = "--frames", defaultValue = "8", paramLabel = "N", description = "Video frames sampled evenly (default: ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--reduce", paramLabel = "SPEC", description = "Reduction pipeline applied to the visual tokens (attention maps of every block are supplied).")
    String reduce;

    @Option(names = "--budget", paramLabel = "N", description = "Final token budget shared by the pipeline's free stages; "
            + "with --plan (or on a video without --reduce), the tokens of the model's cost model the planned frames may spend.")
    Integer budget;

    @Option(names = "--plan", description = "Choose the video's frames with the planner under --budget instead of --frames "
            + "evenly spaced; a --reduce pipeline then runs with its own parameters.")
    boolean plan;

    @Option(names = "--method", paramLabel = "M", description = "Planning method: uniform | scenes | clips | quota (default: clips).")
    String method;

    @Option(names = "--dedup", arity = "0..1", fallbackValue = "0.02", paramLabel = "C", parameterConsumer = OptionalNumber.class,
            description = "Planning drops frames of which fewer than the share C of patches changed since the last kept "
                    + "one (default when given without a value: ${FALLBACK-VALUE}).")
    Double dedup;

    @Option(names = "--fps", paramLabel = "F", description = "Candidate frames per second for planning (default: 1).")
    Double fps;

    @Option(names = "--query-aware", description = "Plan with the prompt as query: candidate frames are scored against it "
            + "by --scorer, and key clips anchor on the most relevant.")
    boolean queryAware;

    @Option(names = "--scorer", paramLabel = "DIR", description = "CLIP or SigLIP checkpoint folder with a text tower and "
            + "tokenizer.json that scores frames for --query-aware.")
    Path scorer;

    @Option(names = "--positions", defaultValue = "recompact", paramLabel = "POLICY",
            description = {"Position ids of reduced visual tokens: keep (original patch positions) or recompact (default: ${DEFAULT-VALUE}).",
                    "Opt-in schemes that change what a trained checkpoint sees (its paper fine-tunes for them): vista "
                            + "(Vista-LLaMA: text scores visual keys without rotary embedding) or tclava (TC-LLaVA: rotation by "
                            + "n + gamma * temporal id, frame-block-causal mask); both re-compact."})
    String positions;

    @Option(names = "--tc-gamma", defaultValue = "1", paramLabel = "G",
            description = "TC-LLaVA's weight of the temporal id in the rotation, fractional allowed (default: ${DEFAULT-VALUE}).")
    double tcGamma;

    @Option(names = "--llm-prune", paramLabel = "METHOD", description = "Prune visual rows inside the decoder with the "
            + "method's reference defaults: fastv (after layer 2, keep half), aim (progressive from the middle layer), "
            + "todre (drop all visual rows at a deep layer when text no longer attends to them).")
    String llmPrune;

    @Option(names = "--max-tokens", defaultValue = "256", paramLabel = "N", description = "Most tokens to generate (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "0", paramLabel = "T", description = "Sampling temperature, 0 = greedy (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--top-p", defaultValue = "1", paramLabel = "P", description = "Nucleus sampling mass (default: ${DEFAULT-VALUE}).")
    double topP;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Sampling seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--speculate", defaultValue = "none", paramLabel = "MODE", description = {
            "Speculative decoding: none (default), or recycling (Token Recycling: drafts a tree from the model's own recent "
                    + "predictions and verifies it in one forward; lossless: greedy gives the same tokens as plain decoding, "
                    + "sampling the same distribution), or recycling-compact (the same with a 7-node tree instead of the "
                    + "paper's 80, which a CPU verifies in about two decode steps instead of twenty)."})
    String speculate;

    @Option(names = "--kv", defaultValue = "f32", paramLabel = "TYPE", description = {
            "How the KV cache stores keys and values: f32 (default) or f16 (half the memory per token, so long videos fit; "
                    + "keys and values rounded to half precision)."})
    String kv;

    @Option(names = "--stats", description = "Print token counts per stage and timings to stderr.")
    boolean stats;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        if (frames < 1 || frames > EncodeJob.MAX_FRAMES) {
            throw new CommandLine.ParameterException(cl, "--frames must be in [1, " + EncodeJob.MAX_FRAMES + "]");
        }
        if (maxTokens < 1) {
            throw new CommandLine.ParameterException(cl, "--max-tokens must be positive");
        }
        boolean planning = plan || (budget != null && reduce == null && input.video != null);
        checkPlanOptions(planning);
        if (mmproj == null && model.getFileName() != null && model.getFileName().toString().endsWith(".gguf")) {
            throw new CommandLine.ParameterException(cl, "--model " + model + " is a GGUF file: add --mmproj FILE");
        }
        if (budget != null && reduce == null && !planning) {
            throw new CommandLine.ParameterException(cl, "--budget needs --reduce or a --video to plan");
        }
        AskJob.Positions scheme = Arrays.stream(AskJob.Positions.values()).filter(p -> p.spelling().equals(positions))
                .findFirst().orElseThrow(() -> new CommandLine.ParameterException(cl, "--positions must be keep, recompact, "
                        + "vista or tclava, got '" + positions + "'"));
        if (!(Double.isFinite(tcGamma) && tcGamma >= 0)) {
            throw new CommandLine.ParameterException(cl, "--tc-gamma must be finite and non-negative");
        }
        if (scheme.rotatesVisualRows() && llmPrune != null) {
            throw new CommandLine.ParameterException(cl, "--positions " + positions + " and --llm-prune do not combine "
                    + "(the scheme tells visual rows apart by position, which pruning changes)");
        }
        if (llmPrune != null && !AskJob.pruners().contains(llmPrune)) {
            throw new CommandLine.ParameterException(cl, "--llm-prune must be one of " + String.join(", ", AskJob.pruners())
                    + ", got '" + llmPrune + "'");
        }
        if ((scheme.rotatesVisualRows() || llmPrune != null) && input.images != null && input.images.size() > 1) {
            throw new CommandLine.ParameterException(cl, "--llm-prune and --positions " + positions + " take one --image or a --video");
        }
        AskJob.Speculation speculation = speculation(speculate);
        AskJob.Kv kvType = Arrays.stream(AskJob.Kv.values()).filter(k -> k.spelling().equals(kv)).findFirst()
                .orElseThrow(() -> new CommandLine.ParameterException(cl, "--kv must be f32 or f16, got '" + kv + "'"));
        Pipeline pipeline = reduce == null ? null : Pipeline.of(reduce);
        if (budget != null && !planning) {
            pipeline = pipeline.withFinalBudget(budget);
        }
        AskJob.Visual visual = input.images != null ? new AskJob.Images(input.images)
                : planning ? new AskJob.PlannedFrames(input.video, budget, method == null ? PlanRequest.DEFAULT_METHOD
                        : PlanMethod.parse(method), fps == null ? PlanRequest.DEFAULT_FPS : fps, dedup, scorer)
                : new AskJob.EvenFrames(input.video, frames);
        PrintWriter out = cl.getOut();
        AskJob.Options options = new AskJob.Options(model, mmproj, AskJob.Engine.parse(weights, threads), visual, prompt, pipeline,
                scheme, tcGamma, llmPrune, maxTokens, temperature, topP, seed, speculation, kvType);
        AskJob.Result r = AskJob.run(options, text -> {
                    out.print(text);
                    out.flush();
                }, Console.warnings(cl));
        out.println();
        if (stats) {
            if (r.plan() != null) {
                TextReport.plan(cl.getErr(), r.plan().plan(), r.plan().candidates());
            }
            TextReport.answer(cl.getErr(), r.stats());
        }
        return GlimpseCli.OK;
    }

    private void checkPlanOptions(boolean planning) {
        CommandLine cl = spec.commandLine();
        if (!planning && (method != null || fps != null || dedup != null || queryAware || scorer != null)) {
            throw new CommandLine.ParameterException(cl, "--method, --fps, --dedup, --query-aware and --scorer plan a video: add --plan");
        }
        if (!planning) {
            return;
        }
        if (input.video == null) {
            throw new CommandLine.ParameterException(cl, "--plan chooses frames of a --video");
        }
        if (budget == null) {
            throw new CommandLine.ParameterException(cl, "--plan needs --budget N");
        }
        if (cl.getParseResult().hasMatchedOption("--frames")) {
            throw new CommandLine.ParameterException(cl, "--frames and --plan both choose the frames; give one");
        }
        if (queryAware != (scorer != null)) {
            throw new CommandLine.ParameterException(cl, "--query-aware and --scorer DIR go together (the LLaVA checkpoint has no text tower to score frames)");
        }
    }

    /** {@code --speculate}'s value, for ask and serve alike: an unknown mode is bad input (exit 2), naming the flag. */
    static AskJob.Speculation speculation(String value) {
        try {
            return AskJob.Speculation.parse(value);
        } catch (BadInputException e) {
            throw new BadInputException("--speculate: " + e.getMessage());
        }
    }
}
