package io.glimpse.job;

import io.glimpse.image.RgbImage;
import io.glimpse.io.BadInputException;
import io.glimpse.llava.Ask;
import io.glimpse.llava.GgufLlava;
import io.glimpse.llava.LlavaModel;
import io.glimpse.lm.AdjacencyTable;
import io.glimpse.lm.DraftTree;
import io.glimpse.lm.KvPrecision;
import io.glimpse.lm.Sampler;
import io.glimpse.lm.TokenRecycling;
import io.glimpse.lm.prune.LayerPruners;
import io.glimpse.lm.prune.PrunerMethod;
import io.glimpse.media.Sampling;
import io.glimpse.media.VideoSource;
import io.glimpse.plan.CostModel;
import io.glimpse.plan.PlanMethod;
import io.glimpse.reduce.Pipeline;

import io.glimpse.tensor.Parallel;
import io.glimpse.tensor.WeightFormat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A question about images or a video answered by a LLaVA checkpoint, from files to streamed text: the use case behind
 * {@code glimpse ask}. It decodes the frames (or plans them under the checkpoint's own cost model), turns the typed
 * options into the runtime's position scheme, in-decoder pruner and sampler, and runs {@link Ask}.
 */
public final class AskJob {
    /**
     * The position scheme of the visual rows by its command-line name; {@link io.glimpse.llava.Positions} says what
     * each does.
     */
    public enum Positions {
        KEEP, RECOMPACT, VISTA, TCLAVA;

        /** The command-line spelling. */
        public String spelling() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Whether the scheme tells visual rows apart by position, which in-decoder pruning would change. */
        public boolean rotatesVisualRows() {
            return scheme(1).rotatesVisualRows();
        }

        /** The runtime's scheme; {@code gamma} is TC-LLaVA's weight of the temporal id. */
        public io.glimpse.llava.Positions scheme(double gamma) {
            return io.glimpse.llava.Positions.parse(spelling(), gamma);
        }
    }

    /** What the question is about. */
    public sealed interface Visual permits Images, EvenFrames, PlannedFrames {
    }

    /** Image files, one placeholder each. */
    public record Images(List<Path> files) implements Visual {
    }

    /** {@code count} frames of a video, evenly spaced. */
    public record EvenFrames(Path video, int count) implements Visual {
    }

    /**
     * The frames of a video that a plan chooses under {@code budget} tokens of the checkpoint's cost model.
     *
     * @param dedup  planning drops frames of which fewer than this share of patches changed since the last kept one, or null
     * @param scorer CLIP or SigLIP folder that scores candidate frames against the prompt, or null
     */
    public record PlannedFrames(Path video, int budget, PlanMethod method, double fps, Double dedup, Path scorer)
            implements Visual {
    }

    /** How tokens are decoded after the prefill. */
    public enum Speculation {
        /** One forward per token. */
        NONE("none"),
        /** Token Recycling: drafts from the model's own recent predictions, verified as a tree; lossless. */
        RECYCLING("recycling"),
        /** Token Recycling with the compact 7-node tree, which a CPU verifies in about two decode steps. */
        RECYCLING_COMPACT("recycling-compact");

        private final String spelling;

        Speculation(String spelling) {
            this.spelling = spelling;
        }

        /** The value {@code --speculate} takes. */
        public String spelling() {
            return spelling;
        }

        /** The mode spelt {@code s}; an unknown one is bad input naming the valid modes. */
        public static Speculation parse(String s) {
            for (Speculation m : values()) {
                if (m.spelling.equals(s)) {
                    return m;
                }
            }
            throw new BadInputException("unknown speculation mode '" + s + "'; valid modes: "
                    + String.join(", ", Arrays.stream(values()).map(Speculation::spelling).toList()));
        }

        /** The draft tree this mode verifies; empty for {@link #NONE}. */
        public Optional<DraftTree> tree() {
            return switch (this) {
                case NONE -> Optional.empty();
                case RECYCLING -> Optional.of(DraftTree.recycling());
                case RECYCLING_COMPACT -> Optional.of(DraftTree.compact());
            };
        }
    }

    /** How the KV cache stores keys and values ({@code --kv}). */
    public enum Kv {
        F32("f32", KvPrecision.F32),
        /** Half the memory per cached token, keys and values rounded to half precision. */
        F16("f16", KvPrecision.F16);

        private final String spelling;
        private final KvPrecision precision;

        Kv(String spelling, KvPrecision precision) {
            this.spelling = spelling;
            this.precision = precision;
        }

        /** The value {@code --kv} takes. */
        public String spelling() {
            return spelling;
        }

        public KvPrecision precision() {
            return precision;
        }
    }

    /**
     * How the model runs: its decoder's matrices converted once on load to {@code weights} (null keeps them as stored),
     * and every parallel loop on {@code threads} threads.
     */
    public record Engine(WeightFormat weights, int threads) {
        public Engine {
            if (threads < 1) {
                throw new BadInputException("--threads must be at least 1, got " + threads);
            }
        }

        /**
         * From the command-line spellings: {@code auto} (as stored) or a format name, and a thread count (null: every
         * core).
         */
        public static Engine parse(String weights, Integer threads) {
            WeightFormat f = weights == null || weights.equals("auto") ? null : WeightFormat.parse(weights);
            if (f == null && weights != null && !weights.equals("auto")) {
                throw new BadInputException("--weights '" + weights + "' is none of auto, f32, f16, bf16, q8_0, q4_0");
            }
            return new Engine(f, threads == null ? Runtime.getRuntime().availableProcessors() : threads);
        }
    }

    /**
     * @param model       checkpoint folder, or the GGUF language model of {@code mmproj}
     * @param mmproj      llama.cpp mmproj GGUF file for a GGUF {@code model}, or null
     * @param engine      weight format and threads
     * @param reduce      reduction of the visual tokens before the projector, or null
     * @param tcGamma     TC-LLaVA's weight of the temporal id (used by {@link Positions#TCLAVA})
     * @param llmPrune    in-decoder pruner by name (see {@link #pruners()}), or null
     * @param temperature 0 for greedy decoding
     * @param speculation how to decode
     * @param kv          how the KV cache stores keys and values
     */
    public record Options(Path model, Path mmproj, Engine engine, Visual visual, String prompt, Pipeline reduce,
                          Positions positions, double tcGamma, String llmPrune, int maxTokens, double temperature, double topP, long seed,
                          Speculation speculation, Kv kv) {
    }

    /**
     * @param stats counts and timings of the answer
     * @param plan  the plan that chose the frames, or null when none did
     */
    public record Result(Ask.Stats stats, PlanJob.Selection plan) {
    }

    private AskJob() {
    }

    /** The names {@link Options#llmPrune()} takes: the in-decoder pruners of {@link LayerPruners}. */
    public static List<String> pruners() {
        return LayerPruners.methods().stream().map(PrunerMethod::name).toList();
    }

    /** Answers, passing text to {@code text} as soon as it is final and warnings (one line each) to {@code warnings}. */
    public static Result run(Options o, Consumer<String> text, Consumer<String> warnings) throws IOException {
        try {
            return Parallel.of(o.engine().threads()).run(() -> answer(o, text, warnings));
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Result answer(Options o, Consumer<String> text, Consumer<String> warnings) throws IOException {
        Sampler sampler = o.temperature() == 0 ? Sampler.greedy() : Sampler.sampling(o.temperature(), o.topP(), o.seed());
        FrameReader reader = new FrameReader(warnings);
        try (LlavaModel llava = o.mmproj() == null ? LlavaModel.load(o.model(), o.engine().weights())
                : GgufLlava.load(o.model(), o.mmproj(), o.engine().weights())) {
            List<RgbImage> images = List.of();
            List<RgbImage> video = List.of();
            PlanJob.Selection plan = null;
            switch (o.visual()) {
                case Images i -> images = i.files().stream().map(reader::first).toList();
                case EvenFrames e -> {
                    video = reader.read(e.video(), Sampling.count(e.count()), e.count(), "");
                    // A still given as a video is one image, as a planned still is and as the server sends it.
                    if (VideoSource.probe(e.video()).still()) {
                        images = video;
                        video = List.of();
                    }
                }
                case PlannedFrames p -> {
                    plan = plan(p, llava.costModel(), o.prompt(), warnings);
                    List<RgbImage> chosen = plan.frames().stream().map(PlanJob.ChosenFrame::image).toList();
                    // A still is planned as an image alone (PlanJob prices it so), so it goes to the model as one.
                    if (plan.video().still()) {
                        images = chosen;
                    } else {
                        video = chosen;
                    }
                }
            }
            Ask.Request.Builder request = video.isEmpty() ? Ask.Request.images(images, o.prompt()) : Ask.Request.video(video, o.prompt());
            request.positions(o.positions().scheme(o.tcGamma())).maxTokens(o.maxTokens()).sampler(sampler)
                    .kv(o.kv().precision);
            if (o.reduce() != null) {
                request.reduce(o.reduce());
            }
            if (o.llmPrune() != null) {
                request.llmPruning(LayerPruners.method(o.llmPrune()));
            }
            if (o.speculation() != Speculation.NONE) {
                // One question per run, so the table starts cold; a server keeps one per session instead.
                request.speculate(new TokenRecycling(o.speculation().tree().orElseThrow(),
                        new AdjacencyTable(llava.decoder().config().vocabSize(), 8)));
            }
            Ask.Answer answer = Ask.run(llava, request.build(), text);
            if (answer.contextFull()) {
                warnings.accept("stopped after " + answer.tokens().length + " tokens: prompt and answer fill the model's "
                        + "context of " + llava.decoder().config().context() + " tokens");
            }
            return new Result(answer.stats(), plan);
        }
    }

    private static PlanJob.Selection plan(PlannedFrames p, CostModel cost, String prompt, Consumer<String> warnings)
            throws IOException {
        PlanJob.Options options = new PlanJob.Options(p.budget(), cost.name(), p.method(), p.fps(), null,
                p.scorer() == null ? null : new PlanJob.Query(p.scorer(), prompt), p.dedup());
        PlanJob.Selection s = PlanJob.select(p.video(), options, cost, PlanJob.Listener.QUIET, PlanJob.Pixels.DECODED);
        s.warnings().forEach(warnings);
        if (s.frames().isEmpty()) {
            throw new BadInputException(p.video() + ": the plan chose no frames");
        }
        return s;
    }
}
