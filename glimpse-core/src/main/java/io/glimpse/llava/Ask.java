package io.glimpse.llava;

import io.glimpse.image.RgbImage;
import io.glimpse.io.BadInputException;
import io.glimpse.lm.Generation;
import io.glimpse.lm.KvCache;
import io.glimpse.lm.KvPrecision;
import io.glimpse.lm.LayerPruner;
import io.glimpse.lm.PositionPolicy;
import io.glimpse.lm.RotaryLayout;
import io.glimpse.lm.Sampler;
import io.glimpse.lm.TextStream;
import io.glimpse.lm.TokenRecycling;
import io.glimpse.lm.prune.PrunerFactory;
import io.glimpse.reduce.Pipeline;
import io.glimpse.reduce.ReduceContext;
import io.glimpse.reduce.StageReport;
import io.glimpse.tokens.AttentionMaps;
import io.glimpse.tokens.TokenSet;
import io.glimpse.tokens.VisualTokens;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * One question about images or a video, answered end to end: encode, optionally reduce the visual tokens in
 * encoder space (before the projector, so the decoder sees fewer rows), project, splice into the chat prompt with
 * position ids from the {@link PositionPolicy}, prefill (optionally pruning visual rows inside the decoder: FastV,
 * AIM, ToDRE), and decode while streaming text.
 */
public final class Ask {
    private Ask() {
    }

    /**
     * One question: images (one placeholder each) or video frames, the prompt, and how to treat the visual tokens.
     * Built by {@link #images} or {@link #video}; every option has a default.
     */
    public static final class Request {
        private final List<RgbImage> images;
        private final List<RgbImage> video;
        private final String prompt;
        private final Optional<Pipeline> pipeline;
        private final Positions positions;
        private final int maxTokens;
        private final Sampler sampler;
        private final Optional<PrunerFactory> llmPruning;
        private final Optional<TokenRecycling> speculation;
        private final KvPrecision kv;

        private Request(Builder b) {
            images = List.copyOf(b.images);
            video = List.copyOf(b.video);
            prompt = b.prompt;
            pipeline = Optional.ofNullable(b.pipeline);
            positions = b.positions;
            maxTokens = b.maxTokens;
            sampler = b.sampler;
            llmPruning = Optional.ofNullable(b.llmPruning);
            speculation = Optional.ofNullable(b.speculation);
            kv = b.kv;
            if (images.isEmpty() == video.isEmpty()) {
                throw new IllegalArgumentException("give images or video frames, not " + (images.isEmpty() ? "neither" : "both"));
            }
            if (maxTokens < 1) {
                throw new IllegalArgumentException("maxTokens must be positive, got " + maxTokens);
            }
            if (llmPruning.isPresent() && images.size() > 1) {
                throw new IllegalArgumentException("in-LLM pruning takes one visual block, got " + images.size() + " images");
            }
            if (positions.rotatesVisualRows() && (images.size() > 1 || llmPruning.isPresent())) {
                throw new IllegalArgumentException("a rotary scheme needs one visual block and no in-LLM pruning");
            }
        }

        /** A question about images, one placeholder each. */
        public static Builder images(List<RgbImage> images, String prompt) {
            return new Builder(images, List.of(), prompt);
        }

        /** A question about one video's frames, in order. */
        public static Builder video(List<RgbImage> frames, String prompt) {
            return new Builder(List.of(), frames, prompt);
        }

        public List<RgbImage> images() {
            return images;
        }

        public List<RgbImage> video() {
            return video;
        }

        public String prompt() {
            return prompt;
        }

        /** The reduction applied to each image's and to the video's tokens, before the projector. */
        public Optional<Pipeline> pipeline() {
            return pipeline;
        }

        public Positions positions() {
            return positions;
        }

        public int maxTokens() {
            return maxTokens;
        }

        public Sampler sampler() {
            return sampler;
        }

        /** Pruning inside the decoder (one image or a video). */
        public Optional<PrunerFactory> llmPruning() {
            return llmPruning;
        }

        /** Speculative decoding by token recycling, whose table the caller keeps across requests; empty for plain decoding. */
        public Optional<TokenRecycling> speculation() {
            return speculation;
        }

        /** How the KV cache stores keys and values. */
        public KvPrecision kv() {
            return kv;
        }

        /**
         * Options of a {@link Request}; defaults: no reduction, re-compacted positions, 256 tokens, greedy, no speculation,
         * an f32 KV cache.
         */
        public static final class Builder {
            private final List<RgbImage> images;
            private final List<RgbImage> video;
            private final String prompt;
            private Pipeline pipeline;
            private Positions positions = Positions.RECOMPACT;
            private int maxTokens = 256;
            private Sampler sampler = Sampler.greedy();
            private PrunerFactory llmPruning;
            private TokenRecycling speculation;
            private KvPrecision kv = KvPrecision.F32;

            private Builder(List<RgbImage> images, List<RgbImage> video, String prompt) {
                this.images = images;
                this.video = video;
                this.prompt = Objects.requireNonNull(prompt, "prompt");
            }

            public Builder reduce(Pipeline pipeline) {
                this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
                return this;
            }

            public Builder positions(Positions positions) {
                this.positions = Objects.requireNonNull(positions, "positions");
                return this;
            }

            /** Plain RoPE with reduced tokens placed by {@code policy}. */
            public Builder positions(PositionPolicy policy) {
                return positions(new Positions.Rope(policy));
            }

            public Builder maxTokens(int maxTokens) {
                this.maxTokens = maxTokens;
                return this;
            }

            public Builder sampler(Sampler sampler) {
                this.sampler = Objects.requireNonNull(sampler, "sampler");
                return this;
            }

            public Builder llmPruning(PrunerFactory pruning) {
                this.llmPruning = Objects.requireNonNull(pruning, "pruning");
                return this;
            }

            /**
             * Decodes by token recycling: lossless, the same tokens as plain greedy decoding, or under sampling the same
             * distribution.
             */
            public Builder speculate(TokenRecycling recycling) {
                this.speculation = Objects.requireNonNull(recycling, "recycling");
                return this;
            }

            /** Keys and values cached in {@code kv} ({@code --kv}). */
            public Builder kv(KvPrecision kv) {
                this.kv = Objects.requireNonNull(kv, "kv");
                return this;
            }

            /** @throws IllegalArgumentException for combinations the turn cannot run */
            public Request build() {
                return new Request(this);
            }
        }
    }

    /**
     * Counts and timings of one answer.
     *
     * @param encoderTokens visual tokens out of the tower, all inputs together
     * @param stages        reduction stages in order (per image when there are several)
     * @param visualRows    visual rows the decoder received (after reduction, pooling and newline)
     * @param unreducedRows visual rows the decoder would have received without reduction
     * @param promptRows    rows of the whole prefill
     * @param visualRowsAtLastLayer visual rows left in the decoder's last layer (less than visualRows after in-LLM
     *                      pruning)
     * @param firstTokenNanos from the start of encoding to the first generated token
     * @param decodeNanos   from the first generated token to the last
     * @param verifyForwards draft verifications of speculative decoding, 0 without it
     * @param kvBytesPerToken bytes one token takes in the KV cache (every layer's keys and values)
     */
    public record Stats(int encoderTokens, List<StageReport> stages, int visualRows, int unreducedRows, int promptRows, int visualRowsAtLastLayer,
                        long encodeNanos, long reduceNanos, long prefillNanos, long firstTokenNanos, int generated,
                        long decodeNanos, int verifyForwards, long kvBytesPerToken) {
        /** Tokens per second after the first, or NaN with fewer than two tokens. */
        public double decodeTokensPerSecond() {
            return generated < 2 ? Double.NaN : (generated - 1) / (decodeNanos / 1e9);
        }

        /** Tokens after the first per verification forward of speculative decoding, or NaN without one. */
        public double tokensPerForward() {
            return verifyForwards == 0 ? Double.NaN : (double) (generated - 1) / verifyForwards;
        }
    }

    /**
     * @param stopped     generation ended at a stop token
     * @param contextFull generation ended because prompt and answer filled the model's context (max_position_embeddings)
     */
    public record Answer(int[] tokens, boolean stopped, boolean contextFull, Stats stats) {
    }

    /** Answers {@code request}, passing text to {@code out} as soon as it is final. */
    public static Answer run(LlavaModel model, Request request, Consumer<String> out) {
        long start = System.nanoTime();
        boolean video = !request.video().isEmpty();
        int[] ids = model.promptIds(request.prompt(), request.images().size(), video ? 1 : 0);
        int count = request.images().size();
        List<LlavaModel.ImageCrops> crops = request.images().stream().map(image -> model.crops(image, count)).toList();
        List<List<RgbImage>> inputs = video ? List.of(request.video())
                : crops.stream().map(LlavaModel.ImageCrops::crops).toList();
        List<VisualTokens> encoded = new ArrayList<>();
        for (List<RgbImage> frames : inputs) {
            // A video's pooled-site stages see decoder rows, without the encoder's maps; an image's see its tokens.
            encoded.add(model.encode(frames, request.pipeline().map(video ? Pipeline::encoderNeeds : Pipeline::needs)
                    .orElse(AttentionMaps.Request.NONE)));
        }
        long afterEncode = System.nanoTime();
        List<StageReport> stages = new ArrayList<>();
        List<LlavaModel.Block> blocks = new ArrayList<>();
        int[] rowFrames = null;
        int encoderTokens = 0;
        int unreducedRows = 0;
        Optional<Pipeline> pipeline = request.pipeline().map(p -> model.towerHasCls() ? p : p.withoutCls());
        PositionPolicy policy = request.positions().policy();
        for (int i = 0; i < encoded.size(); i++) {
            VisualTokens e = encoded.get(i);
            TokenSet tokens = e.tokens();
            encoderTokens += tokens.size();
            LlavaModel.Block block;
            if (video) {
                int rows = model.videoRows(tokens);
                unreducedRows += rows + 1;
                TokenSet decoderRows = model.decoderRows(pipeline.isEmpty() ? tokens
                        : reduce(pipeline.get().bySite().encoder(), tokens, rows, e, stages));
                if (pipeline.isPresent()) {
                    decoderRows = reduce(pipeline.get().bySite().pooled(), decoderRows, decoderRows.size(), null, stages);
                    checkRows(pipeline.get(), decoderRows.size(), rows);
                }
                block = model.videoBlockOf(decoderRows, pipeline.isPresent(), policy);
                rowFrames = frameOfRows(decoderRows, block.positions().length, true);
            } else {
                LlavaModel.ImageCrops c = crops.get(i);
                int rows = model.imageTokens(c.width(), c.height(), count);
                unreducedRows += rows;
                // A reduced lone square crop keeps its closing newline; anyres drops its row newlines.
                int contentRows = Math.min(tokens.size(), c.packing() == LlavaModel.Packing.NEWLINE ? rows - 1 : rows);
                if (pipeline.isPresent()) {
                    tokens = reduce(Optional.of(pipeline.get()), tokens, contentRows, e, stages);
                    checkRows(pipeline.get(), tokens.size(), contentRows);
                }
                block = model.imageBlock(tokens, c, pipeline.isPresent(), policy);
                rowFrames = frameOfRows(tokens, block.positions().length, pipeline.isPresent());
            }
            blocks.add(block);
        }
        long afterReduce = System.nanoTime();
        LlavaModel.Prompt prompt = model.assemble(ids, blocks);
        int context = model.decoder().config().context();
        int room = context - prompt.ids().length;
        if (room < 1) {
            throw new BadInputException("the prompt is " + prompt.ids().length + " tokens and the model's context holds "
                    + context + "; ask about fewer images or frames, or reduce their tokens");
        }
        int maxTokens = Math.min(request.maxTokens(), room);
        RotaryLayout layout = request.positions().rotary(model.firstPlaceholder(ids), rowFrames).orElse(null);
        KvCache cache = model.decoder().newCache(prompt.ids().length + maxTokens
                + request.speculation().map(TokenRecycling::extraSlots).orElse(0), layout, request.kv());
        int visualRows = blocks.stream().mapToInt(b -> b.positions().length).sum();
        LayerPruner pruner = null;
        if (request.llmPruning().isPresent()) {
            int first = model.firstPlaceholder(ids);
            // The video's trailing image_newline is not a visual token to rank.
            pruner = request.llmPruning().get().create(model.decoder().config().layers(), first, visualRows - (video ? 1 : 0));
        }
        float[] logits = model.decoder().forward(cache, prompt.inputs(), prompt.positions(), 1, pruner,
                layout == null ? null : layout.promptMask(prompt.ids().length));
        int lastLayerRows = cache.length(model.decoder().config().layers() - 1);
        long prefilled = System.nanoTime();
        TextStream text = new TextStream(model.tokenizer());
        long[] first = {0};
        IntConsumer onToken = t -> {
            if (first[0] == 0) {
                first[0] = System.nanoTime();
            }
            out.accept(text.accept(t));
        };
        int[] stopIds = model.template().stopIds(model.tokenizer());
        int vocab = model.tokenizer().size();
        TokenRecycling.Result decoded = request.speculation().isPresent()
                ? request.speculation().get().run(model.decoder(), cache, logits, maxTokens, request.sampler(), vocab, stopIds, onToken)
                : new TokenRecycling.Result(Generation.run(model.decoder(), cache, logits, maxTokens, request.sampler(), vocab,
                        stopIds, onToken), 0);
        Generation g = decoded.generation();
        out.accept(text.finish());
        long end = System.nanoTime();
        long firstAt = first[0] == 0 ? end : first[0];
        Stats stats = new Stats(encoderTokens, stages, visualRows, unreducedRows, prompt.ids().length,
                visualRows - (prompt.ids().length - lastLayerRows), afterEncode - start, afterReduce - afterEncode,
                prefilled - afterReduce, firstAt - start, g.tokens().length, end - firstAt, decoded.forwards(),
                cache.bytesPerToken());
        return new Answer(g.tokens(), g.stopped(), !g.stopped() && g.tokens().length == room, stats);
    }

    /**
     * {@code tokens} through {@code stages} (when present) with budgets counted in {@code rows} decoder rows; the
     * encoder's attention maps go with {@code encoded}, none with rows already in decoder space.
     */
    private static TokenSet reduce(Optional<Pipeline> stages, TokenSet tokens, int rows, VisualTokens encoded,
                                   List<StageReport> reports) {
        if (stages.isEmpty()) {
            return tokens;
        }
        ReduceContext ctx = new ReduceContext(0, encoded == null ? AttentionMaps.empty() : encoded.attention(), null);
        Pipeline.Result r = stages.get().run(tokens, ctx, rows);
        reports.addAll(r.stages());
        return r.tokens();
    }

    /** A reduction never hands the decoder more visual rows than the model spends without one. */
    private static void checkRows(Pipeline pipeline, int reduced, int unreduced) {
        if (reduced > unreduced) {
            throw new BadInputException("reduction '" + pipeline + "' leaves " + reduced + " visual rows, more than the "
                    + unreduced + " the model spends without it; give it a budget (keep=, k=)");
        }
    }

    /**
     * The frame of each of a block's rows: a reduced set's token frames, or equal shares of the pooled rows per frame;
     * a trailing row beyond them (the video's image_newline) belongs to the last frame.
     */
    private static int[] frameOfRows(TokenSet tokens, int rows, boolean reduced) {
        int[] frames = new int[rows];
        int perFrame = Math.max(1, rows / tokens.frameCount());
        for (int r = 0; r < rows; r++) {
            int f = reduced ? tokens.frame(Math.min(r, tokens.size() - 1)) : r / perFrame;
            frames[r] = Math.min(f, tokens.frameCount() - 1);
        }
        return frames;
    }
}
