package io.glimpse.llava;

import io.glimpse.image.RgbImage;
import io.glimpse.lm.Generation;
import io.glimpse.lm.KvCache;
import io.glimpse.lm.KvPrecision;
import io.glimpse.lm.PositionPolicy;
import io.glimpse.lm.Sampler;
import io.glimpse.lm.TextStream;
import io.glimpse.lm.TokenRecycling;
import io.glimpse.lm.prune.PrunerFactory;
import io.glimpse.reduce.Pipeline;
import io.glimpse.reduce.StageReport;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * One question about images or a video, answered end to end by the steps of a turn, which other front ends (the
 * server's conversations) call one by one: {@link VisualBlock} (encode, reduce each stage at its site, project),
 * {@link SplicedPrompt} (splice into the chat prompt with position ids from the {@link Positions} scheme),
 * {@link Prefill} (optionally pruning visual rows inside the decoder: FastV, AIM, ToDRE) and {@link #decode}
 * (plain or speculative, streaming text).
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
        PositionPolicy policy = request.positions().policy();
        int count = request.images().size();
        List<VisualBlock> blocks = video ? List.of(VisualBlock.video(model, request.video(), request.pipeline(), policy))
                : request.images().stream().map(image -> VisualBlock.image(model, image, count, request.pipeline(), policy)).toList();
        long beforePrefill = System.nanoTime();
        SplicedPrompt prompt = SplicedPrompt.of(model, ids, blocks, request.positions(), video);
        int room = prompt.answerRoom(model, Integer.MAX_VALUE);
        int maxTokens = Math.min(request.maxTokens(), room);
        KvCache cache = prompt.newCache(model, prompt.cacheSlots(maxTokens, request.speculation()), request.kv());
        Prefill prefill = Prefill.run(model, prompt, request.llmPruning(), cache, 0);
        long prefilled = System.nanoTime();
        TextStream text = new TextStream(model.tokenizer());
        long[] first = {0};
        TokenRecycling.Result decoded = decode(model, prefill, maxTokens, request.sampler(), request.speculation(), t -> {
            if (first[0] == 0) {
                first[0] = System.nanoTime();
            }
            out.accept(text.accept(t));
        });
        Generation g = decoded.generation();
        out.accept(text.finish());
        long end = System.nanoTime();
        long firstAt = first[0] == 0 ? end : first[0];
        Stats stats = new Stats(blocks.stream().mapToInt(VisualBlock::encoderTokens).sum(),
                blocks.stream().flatMap(b -> b.stages().stream()).toList(), prompt.visualRows(),
                blocks.stream().mapToInt(VisualBlock::unreducedRows).sum(), prompt.rows(), prefill.visualRowsAtLastLayer(),
                blocks.stream().mapToLong(VisualBlock::encodeNanos).sum(), blocks.stream().mapToLong(VisualBlock::reduceNanos).sum(),
                prefilled - beforePrefill, firstAt - start, g.tokens().length, end - firstAt, decoded.forwards(),
                cache.bytesPerToken());
        return new Answer(g.tokens(), g.stopped(), !g.stopped() && g.tokens().length == room, stats);
    }

    /**
     * The last step of a turn: decodes up to {@code maxTokens} after a prefill, one forward per token or by token
     * recycling, until one of the chat template's stop ids, passing each token but the stop token to {@code onToken}
     * as it is chosen. The cache ends one token short of the output, as {@link Generation#run} leaves it.
     */
    public static TokenRecycling.Result decode(LlavaModel model, Prefill prefill, int maxTokens, Sampler sampler,
                                               Optional<TokenRecycling> speculation, IntConsumer onToken) {
        int[] stopIds = model.template().stopIds(model.tokenizer());
        int vocab = model.tokenizer().size();
        return speculation.isPresent()
                ? speculation.get().run(model.decoder(), prefill.cache(), prefill.logits(), maxTokens, sampler, vocab, stopIds, onToken)
                : new TokenRecycling.Result(Generation.run(model.decoder(), prefill.cache(), prefill.logits(), maxTokens, sampler,
                        vocab, stopIds, onToken), 0);
    }
}
