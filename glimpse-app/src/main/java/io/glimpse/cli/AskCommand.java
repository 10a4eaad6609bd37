package io.glimpse.cli;

import io.glimpse.image.RgbImage;
import io.glimpse.io.JsonFiles;
import io.glimpse.job.PlanJob;
import io.glimpse.job.QueryScorer;
import io.glimpse.lm.AimLayerPruner;
import io.glimpse.lm.FastVLayerPruner;
import io.glimpse.lm.PositionPolicy;
import io.glimpse.lm.RotaryLayout;
import io.glimpse.lm.Sampler;
import io.glimpse.lm.ToDreLayerPruner;
import io.glimpse.media.FrameSize;
import io.glimpse.media.Sampling;
import io.glimpse.media.VideoSource;
import io.glimpse.model.Ask;
import io.glimpse.model.LlavaModel;
import io.glimpse.plan.Plan;
import io.glimpse.plan.PlanMethod;
import io.glimpse.plan.PlanRequest;
import io.glimpse.plan.PlannedFrame;
import io.glimpse.reduce.Pipeline;
import io.glimpse.reduce.StageReport;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code glimpse ask --model DIR (--image F… | --video F) PROMPT}: a streamed answer from a LLaVA checkpoint. */
@Command(name = "ask", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Answer a question about images or a video with a LLaVA-1.5 / LLaVA-OneVision checkpoint folder "
                + "(config.json, *.safetensors, tokenizer.json, preprocessor_config.json), streaming the answer to stdout. "
                + "Reduction runs on the vision tower's tokens, before the projector."})
public final class AskCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "PROMPT", description = "The question.")
    String prompt;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Checkpoint folder.")
    Path model;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--image", paramLabel = "FILE", description = "Image file, one placeholder each; repeat for several.")
        List<Path> images;

        @Option(names = "--video", paramLabel = "FILE", description = "Video file.")
        Path video;
    }

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

    @Option(names = "--dedup", arity = "0..1", fallbackValue = "0.75", paramLabel = "S", parameterConsumer = OptionalNumber.class,
            description = "Planning drops frames repeating the last kept one (rescaled cosine above S, default ${FALLBACK-VALUE}).")
    Double dedup;

    @Option(names = "--fps", paramLabel = "F", description = "Candidate frames per second for planning (default: 1).")
    Double fps;

    @Option(names = "--query-aware", description = "Plan with the prompt as query: candidate frames are scored against it "
            + "by --scorer, and key clips anchor on the most relevant.")
    boolean queryAware;

    @Option(names = "--scorer", paramLabel = "DIR", description = "CLIP or SigLIP checkpoint folder with a text tower and "
            + "tokenizer.json or spiece.model that scores frames for --query-aware.")
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

    @Option(names = "--stats", description = "Print token counts per stage and timings to stderr.")
    boolean stats;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (frames < 1 || frames > EncodeCommand.MAX_FRAMES) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--frames must be in [1, " + EncodeCommand.MAX_FRAMES + "]");
        }
        if (maxTokens < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--max-tokens must be positive");
        }
        boolean planning = plan || (budget != null && reduce == null && input.video != null);
        checkPlanOptions(planning);
        if (budget != null && reduce == null && !planning) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--budget needs --reduce or a --video to plan");
        }
        PositionPolicy policy = switch (positions) {
            case "keep" -> PositionPolicy.KEEP_ORIGINAL;
            case "recompact", "vista", "tclava" -> PositionPolicy.RECOMPACT;
            default -> throw new CommandLine.ParameterException(spec.commandLine(),
                    "--positions must be keep, recompact, vista or tclava, got '" + positions + "'");
        };
        if (!(Double.isFinite(tcGamma) && tcGamma >= 0)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--tc-gamma must be finite and non-negative");
        }
        Ask.Rotary rotary = switch (positions) {
            case "vista" -> (start, frameOfRow) -> RotaryLayout.vista(start, frameOfRow.length);
            case "tclava" -> (start, frameOfRow) -> RotaryLayout.tcLlava(tcGamma, start, frameOfRow);
            default -> null;
        };
        if (rotary != null && llmPrune != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--positions " + positions + " and --llm-prune do not combine "
                    + "(the scheme tells visual rows apart by position, which pruning changes)");
        }
        Ask.LlmPruning pruning = llmPrune == null ? null : switch (llmPrune) {
            case "fastv" -> (layers, start, count) -> FastVLayerPruner.defaults(start, count);
            case "aim" -> AimLayerPruner::defaults;
            case "todre" -> ToDreLayerPruner::defaults;
            default -> throw new CommandLine.ParameterException(spec.commandLine(), "--llm-prune must be fastv, aim or todre, got '" + llmPrune + "'");
        };
        Pipeline pipeline = reduce == null ? null : Pipeline.of(reduce);
        if (budget != null && !planning) {
            pipeline = pipeline.withFinalBudget(budget);
        }
        Sampler sampler = temperature == 0 ? Sampler.greedy() : Sampler.sampling(temperature, topP, seed);
        PrintWriter out = spec.commandLine().getOut();
        try (LlavaModel llava = LlavaModel.load(model)) {
            List<RgbImage> images = new ArrayList<>();
            if (input.images != null) {
                for (Path image : input.images) {
                    images.addAll(decode(image, Sampling.count(1)));
                }
            }
            PlanJob.Selection selection = planning ? planFrames(planOptions()) : null;
            List<RgbImage> video = input.video == null ? List.of()
                    : planning ? selection.frames().stream().map(PlanJob.ChosenFrame::image).toList()
                    : decode(input.video, Sampling.count(frames));
            Ask.Answer a = Ask.run(llava, new Ask.Request(images, video, prompt, pipeline, policy, maxTokens, sampler, pruning, rotary), text -> {
                out.print(text);
                out.flush();
            });
            out.println();
            if (a.contextFull()) {
                spec.commandLine().getErr().println("glimpse: note: stopped after " + a.tokens().length
                        + " tokens: prompt and answer fill the model's context of " + llava.decoder().config().context() + " tokens");
            }
            if (stats) {
                if (selection != null) {
                    printPlan(spec.commandLine().getErr(), selection);
                }
                printStats(spec.commandLine().getErr(), a.stats());
            }
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

    /** Plan options for the checkpoint's cost model; bad values fail here, before any decoding. */
    private PlanJob.Options planOptions() throws java.io.IOException {
        String type = JsonFiles.readObject(model.resolve("config.json")).path("model_type").asText("");
        String target = type.equals("llava_onevision") ? "llava-onevision" : "llava-1.5";
        PlanJob.Options options = new PlanJob.Options(budget, target, method == null ? PlanRequest.DEFAULT_METHOD : PlanMethod.parse(method),
                fps == null ? PlanRequest.DEFAULT_FPS : fps, null, queryAware ? QueryScorer.load(scorer, prompt) : null, dedup);
        options.request();
        return options;
    }

    private PlanJob.Selection planFrames(PlanJob.Options options) {
        PlanJob.Selection s = PlanJob.select(input.video, options, new PlanJob.Listener() {
            @Override
            public void total(long frames) {
            }

            @Override
            public void done(long frames) {
            }
        });
        s.warnings().forEach(w -> spec.commandLine().getErr().println("glimpse: warning: " + w));
        if (s.frames().isEmpty()) {
            throw new IllegalArgumentException(input.video + ": the plan chose no frames");
        }
        return s;
    }

    static void printPlan(PrintWriter w, PlanJob.Selection s) {
        Plan p = s.plan();
        w.printf(Locale.ROOT, "plan: %d of %d candidate frames, %d of %d %s tokens%n", p.frames().size(), s.candidates(),
                p.totalCost(), p.budget(), p.target());
        for (PlannedFrame f : p.frames()) {
            w.printf(Locale.ROOT, "  frame at %8.2f s  scene %d  clip %d  %dx%d  %d tokens%n", f.timestamp(), f.scene(), f.clip(),
                    f.width(), f.height(), f.cost());
        }
    }

    private List<RgbImage> decode(Path file, Sampling sampling) {
        List<RgbImage> images = new ArrayList<>();
        try (VideoSource src = VideoSource.open(file)) {
            var it = src.frames(sampling, FrameSize.original());
            while (it.hasNext()) {
                images.add(it.next());
            }
            src.warnings().forEach(w -> spec.commandLine().getErr().println("glimpse: warning: " + w));
        }
        if (images.isEmpty()) {
            throw new IllegalArgumentException(file + ": no frames decoded");
        }
        return images;
    }

    static void printStats(PrintWriter w, Ask.Stats s) {
        w.printf(Locale.ROOT, "visual tokens: %d from the encoder%n", s.encoderTokens());
        for (StageReport r : s.stages()) {
            w.printf(Locale.ROOT, "  %-36s %7d -> %7d tokens  %9.2f ms%n", r.stage(), r.tokensIn(), r.tokensOut(), r.nanos() / 1e6);
        }
        w.printf(Locale.ROOT, "visual rows to the decoder: %d (prompt %d rows), %d at its last layer%n", s.visualRows(),
                s.promptRows(), s.visualRowsAtLastLayer());
        w.printf(Locale.ROOT, "encode %.1f ms, reduce %.1f ms, prefill %.1f ms, time to first token %.1f ms%n",
                s.encodeNanos() / 1e6, s.reduceNanos() / 1e6, s.prefillNanos() / 1e6, s.firstTokenNanos() / 1e6);
        w.printf(Locale.ROOT, "decode: %d tokens, %.2f tokens/s%n", s.generated(), s.decodeTokensPerSecond());
        w.flush();
    }
}
