package io.glimpse.server;

import io.glimpse.image.RgbImage;
import io.glimpse.io.BadInputException;
import io.glimpse.job.FrameReader;
import io.glimpse.job.PlanJob;
import io.glimpse.lm.ChatMessage;
import io.glimpse.lm.KvCache;
import io.glimpse.lm.PositionPolicy;
import io.glimpse.lm.Sampler;
import io.glimpse.lm.TextStream;
import io.glimpse.lm.TokenRecycling;
import io.glimpse.lm.prune.PrunerFactory;
import io.glimpse.media.Sampling;
import io.glimpse.media.VideoInfo;
import io.glimpse.media.VideoSource;
import io.glimpse.llava.Ask;
import io.glimpse.llava.LlavaCheckpoint;
import io.glimpse.llava.GgufLlava;
import io.glimpse.llava.LlavaModel;
import io.glimpse.llava.Positions;
import io.glimpse.llava.Prefill;
import io.glimpse.llava.SplicedPrompt;
import io.glimpse.llava.VisualBlock;
import io.glimpse.reduce.Pipeline;
import io.glimpse.tensor.Parallel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.IntConsumer;
import java.util.function.Predicate;

/**
 * One loaded LLaVA model answering conversations, with two warm caches: each medium's visual block (encoded, reduced
 * and projected; keyed by content hash and everything that shapes the block) and the decoder's KV cache of earlier
 * generations, so a follow-up turn with the same earlier messages and media runs neither the tower nor the shared
 * prefix's prefill. The steps are {@code glimpse ask}'s own ({@link VisualBlock}, {@link SplicedPrompt},
 * {@link Prefill}, {@link Ask#decode}), over a whole conversation instead of one question; speculative decoding
 * keeps its tables warm across generations ({@link RecyclingTables}).
 *
 * <p>Thread-safe: the model is immutable, the caches lock briefly, every conversation has its own KV cache and
 * borrows its own recycling table.
 */
public final class ChatEngine implements AutoCloseable {
    private final LlavaModel model;
    private final Path source;
    private final String id;
    private final long created;
    private final String planTarget;
    private final ServeOptions limits;
    private final WeightedLru<String, Visual> visuals;
    private final PrefixCache prefixes;
    private final RecyclingTables recycling;
    private final Parallel parallel;
    private final DecodeScheduler scheduler;

    /** A medium of a turn and the request field it came from. */
    public record Part(Media media, String param) {
    }

    /** One message of the conversation with its resolved media, in order. */
    public record Turn(String role, String text, List<Part> parts) {
    }

    /**
     * @param glimpse   the request's {@code glimpse} object merged over the server's defaults
     * @param maxTokens generation limit
     */
    public record Conversation(List<Turn> turns, GlimpseParams glimpse, int maxTokens, Sampler sampler, List<String> stop) {
    }

    /** Receives the answer as it becomes final, and is asked between decode steps whether to go on. */
    public interface Sink {
        void text(String text);

        /** Why generation must stop now (the client left, the deadline passed), or null to go on. */
        String halt();
    }

    /** Generation stopped because {@link Sink#halt} said so. */
    public static final class Halted extends RuntimeException {
        Halted(String reason) {
            super(reason, null, false, false);
        }
    }

    /**
     * Counts and timings of one answer.
     *
     * @param encoderTokens visual tokens out of the tower (cached media count as encoded)
     * @param visualRows    visual rows given to the decoder
     * @param promptRows    rows of the whole prompt
     * @param cachedRows    leading prompt rows taken from the prefix cache instead of prefilled
     * @param visualHits    media whose block came from the cache
     * @param visualMisses  media encoded now
     * @param verifyForwards draft verifications of speculative decoding, 0 without it
     */
    public record Stats(int encoderTokens, int visualRows, int promptRows, int cachedRows, int visualHits, int visualMisses,
                        int generated, long firstTokenNanos, long decodeNanos, int verifyForwards) {
        public double decodeTokensPerSecond() {
            return generated < 2 ? Double.NaN : (generated - 1) / (decodeNanos / 1e9);
        }
    }

    /** @param finishReason OpenAI's: stop (a stop token or string) or length */
    public record Answer(String text, String finishReason, Stats stats) {
    }

    /** A medium's block and the hash its rows are known by in the prefix cache. */
    private record Visual(VisualBlock block, long hash) {
        long bytes() {
            LlavaModel.Block b = block.block();
            return 4L * b.rows().length + 8L * b.positions().length + 64;
        }
    }

    private ChatEngine(LlavaModel model, Path source, String id, ServeOptions limits) {
        this.model = model;
        this.source = source;
        this.id = id;
        this.created = System.currentTimeMillis() / 1000;
        this.planTarget = model.costModel().name();
        this.limits = limits;
        this.visuals = new WeightedLru<>(limits.visualCacheBytes(), Visual::bytes);
        this.prefixes = new PrefixCache(limits.prefixCacheBytes());
        this.recycling = new RecyclingTables(model.decoder().config().vocabSize());
        this.parallel = Parallel.of(limits.engine().threads());
        this.scheduler = new DecodeScheduler(model.decoder(), parallel, model.tokenizer().size(),
                model.template().stopIds(model.tokenizer()), DecodeScheduler.AHEAD);
        scheduler.start();
    }

    /**
     * Loads the checkpoint folder, or the GGUF language model {@code dir} with its {@code mmproj} file (non-null), once,
     * its decoder in the limits' weight format; requests then share it.
     */
    public static ChatEngine load(Path dir, Path mmproj, ServeOptions limits) throws IOException {
        LlavaModel model = mmproj == null ? LlavaModel.load(dir, limits.engine().weights())
                : GgufLlava.load(dir, mmproj, limits.engine().weights());
        Path name = dir.toAbsolutePath().normalize().getFileName();
        return new ChatEngine(model, dir, name == null ? "glimpse" : name.toString(), limits);
    }

    /** The model's name in /v1/models and responses: the checkpoint folder's name. */
    public String id() {
        return id;
    }

    public long created() {
        return created;
    }

    /**
     * Answers the conversation's last turn, passing text to {@code sink} as it becomes final.
     *
     * @throws ApiException 400 for media or options the model cannot take
     * @throws Halted       when the sink asked to stop
     */
    public Answer run(Conversation c, Sink sink) {
        long start = System.nanoTime();
        GlimpseParams g = c.glimpse();
        List<Part> parts = c.turns().stream().flatMap(t -> t.parts().stream()).toList();
        Predicate<Part> asImage = sentAsImage(parts);
        int images = (int) parts.stream().filter(asImage).count();
        boolean video = images < parts.size();
        // Planning options concern the video_url parts asked for, even a still that then goes to the model as an image.
        boolean videoAsked = parts.stream().anyMatch(p -> p.media().kind() == MediaKind.VIDEO);
        check(g, parts, images, video, videoAsked);
        List<ChatMessage> messages = c.turns().stream().map(t -> new ChatMessage(t.role(),
                (int) t.parts().stream().filter(asImage).count(),
                (int) t.parts().stream().filter(asImage.negate()).count(), t.text())).toList();
        int[] ids = model.tokenizer().encode(model.template().render(messages, true), true);
        String query = g.queryAwareOrDefault() ? lastUserText(c) : null;

        Optional<Pipeline> pipeline = Optional.ofNullable(g.pipeline(videoAsked));
        Positions scheme = g.scheme();
        List<Visual> blocks = new ArrayList<>();
        int hits = 0;
        for (Part p : parts) {
            halt(sink);
            boolean image = asImage.test(p);
            String key = key(p.media(), image, g, pipeline, images, query);
            Visual v = visuals.get(key);
            if (v == null) {
                v = new Visual(inPool(() -> block(p, image, g, pipeline, images, query)), hash(key));
                visuals.put(key, v);
            } else {
                hits++;
            }
            blocks.add(v);
        }
        SplicedPrompt prompt = SplicedPrompt.of(model, ids, blocks.stream().map(Visual::block).toList(), scheme, video);
        if (prompt.visualRows() > limits.maxVisualTokens()) {
            throw ApiException.invalid("messages", "the media give " + prompt.visualRows() + " visual tokens, more than "
                    + "--max-visual-tokens " + limits.maxVisualTokens() + "; send fewer frames or reduce them (glimpse.reduce)");
        }
        int maxTokens;
        try {
            maxTokens = prompt.answerRoom(model, c.maxTokens());
        } catch (BadInputException e) {
            throw ApiException.invalid("messages", e.getMessage());
        }
        int rows = prompt.rows();
        long[] keys = rowKeys(ids, blocks, rows);

        halt(sink);
        Optional<PrunerFactory> pruning = Optional.ofNullable(g.llmPruning());
        // Pruning and rotary schemes shape every row of the cache by the whole prompt, so none of it is shared.
        boolean shares = pruning.isEmpty() && prompt.layout().isEmpty();
        PrefixCache.Hit hit = shares ? prefixes.longest(keys, prompt.prompt().positions(), rows - 1) : null;
        int reused = hit == null ? 0 : hit.rows();
        RecyclingTables.Lease lease = g.speculates() ? recycling.borrow(g.speculate()) : null;
        try {
            Optional<TokenRecycling> speculation = Optional.ofNullable(lease).map(RecyclingTables.Lease::recycling);
            int slots = prompt.cacheSlots(maxTokens, speculation);
            // A continued prefix keeps the precision it was cached in, which is the server's (--kv).
            KvCache cache = hit == null ? prompt.newCache(model, slots, limits.kv().precision()) : hit.continuation(slots);
            int[] firstGenerated = {0};
            Callable<Prefill> prefill = () -> {
                Prefill p = Prefill.run(model, prompt, pruning, cache, reused);
                firstGenerated[0] = cache.nextPosition();
                return p;
            };

            TextStream text = new TextStream(model.tokenizer());
            StopStrings stop = new StopStrings(c.stop());
            StringBuilder answer = new StringBuilder();
            int[] emitted = {0};
            long[] first = {0};
            IntConsumer onToken = t -> {
                if (first[0] == 0) {
                    first[0] = System.nanoTime();
                }
                emitted[0]++;
                emit(sink, answer, stop.accept(text.accept(t)));
                if (stop.stopped()) {
                    throw new StopFound();
                }
                halt(sink);
            };
            Decoded d = speculation.isPresent() ? speculate(prefill, maxTokens, c.sampler(), speculation.get(), onToken)
                    : batched(prefill, maxTokens, c.sampler(), onToken);
            if (!d.stopString()) {
                emit(sink, answer, stop.accept(text.finish()));
                emit(sink, answer, stop.finish());
            }
            long end = System.nanoTime();
            if (shares && d.cacheWhole()) {
                remember(keys, prompt.prompt().positions(), cache, d.tokens(), rows, firstGenerated[0]);
            }
            long firstAt = first[0] == 0 ? end : first[0];
            Stats stats = new Stats(blocks.stream().mapToInt(v -> v.block().encoderTokens()).sum(), prompt.visualRows(), rows,
                    reused, hits, blocks.size() - hits, emitted[0], firstAt - start, end - firstAt, d.forwards());
            return new Answer(answer.toString(), d.stopToken() || stop.stopped() ? "stop" : "length", stats);
        } finally {
            if (lease != null) {
                recycling.giveBack(lease);
            }
        }
    }

    /**
     * How decoding ended.
     *
     * @param tokens     every token chosen; those the cache holds come first
     * @param stopToken  a stop token ended it
     * @param stopString a stop string did
     * @param forwards   draft verifications (speculative decoding, unless a stop string cut it short)
     * @param cacheWhole the cache holds exactly the prompt and a prefix of {@code tokens}
     */
    private record Decoded(int[] tokens, boolean stopToken, boolean stopString, int forwards, boolean cacheWhole) {
    }

    /** Prefills and decodes on the scheduler, together with the other active generations, one token of each per step. */
    private Decoded batched(Callable<Prefill> prefill, int maxTokens, Sampler sampler, IntConsumer onToken) {
        DecodeScheduler.Sequence seq = scheduler.submit(() -> {
            Prefill p = prefill.call();
            return new DecodeScheduler.Prompt(p.cache(), p.logits());
        }, maxTokens, sampler);
        boolean stopString = false;
        try {
            for (int t = seq.take(); t != DecodeScheduler.END; t = seq.take()) {
                onToken.accept(t);
            }
        } catch (StopFound e) {
            stopString = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Halted("interrupted");
        } finally {
            seq.cancel();
            awaitRelease(seq);
        }
        return new Decoded(seq.tokens(), seq.stopped(), stopString, 0, true);
    }

    private static void awaitRelease(DecodeScheduler.Sequence seq) {
        boolean interrupted = false;
        while (true) {
            try {
                seq.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Decodes alone by token recycling: its tree verifications are forwards of their own. */
    private Decoded speculate(Callable<Prefill> prefill, int maxTokens, Sampler sampler, TokenRecycling recycling, IntConsumer onToken) {
        List<Integer> tokens = new ArrayList<>();
        try {
            TokenRecycling.Result r = inPool(() -> Ask.decode(model, prefill.call(), maxTokens, sampler, Optional.of(recycling), t -> {
                tokens.add(t);
                onToken.accept(t);
            }));
            return new Decoded(r.generation().tokens(), r.generation().stopped(), false, r.forwards(), true);
        } catch (StopFound e) {
            // Stopped inside a verification: the draft's rows are still in the cache.
            return new Decoded(tokens.stream().mapToInt(Integer::intValue).toArray(), false, true, 0, false);
        }
    }

    /** The loaded model, which {@link TextCompletions} reads without its template and tower. */
    LlavaModel model() {
        return model;
    }

    /** The checkpoint folder or GGUF language model the model was loaded from. */
    Path source() {
        return source;
    }

    /** Runs compute-bound work on the engine's threads ({@code --threads}). */
    <T> T inPool(Callable<T> work) {
        try {
            return parallel.run(work);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Forgets what speculative decoding learnt from earlier answers; returns the tables dropped. */
    public int resetSpeculation() {
        return recycling.reset();
    }

    /** Thrown from the token callback to end generation at a stop string (chat and {@link TextCompletions}). */
    static final class StopFound extends RuntimeException {
        StopFound() {
            super(null, null, false, false);
        }
    }

    private static void emit(ChatEngine.Sink sink, StringBuilder answer, String text) {
        if (!text.isEmpty()) {
            answer.append(text);
            sink.text(text);
        }
    }

    private static void halt(Sink sink) {
        String reason = sink.halt();
        if (reason != null) {
            throw new Halted(reason);
        }
    }

    private static String lastUserText(Conversation c) {
        return c.turns().reversed().stream().filter(t -> t.role().equals("user")).findFirst().map(Turn::text).orElse("");
    }

    /**
     * Which parts go to the model as images: image_url parts, and video_url parts that are a still, which
     * {@code glimpse ask} sends as one image too, planned or not ({@code AskJob}).
     */
    private Predicate<Part> sentAsImage(List<Part> parts) {
        Set<Path> stills = new HashSet<>();
        for (Part p : parts) {
            if (p.media().kind() == MediaKind.VIDEO && probe(p).still()) {
                stills.add(p.media().file());
            }
        }
        return p -> p.media().kind() == MediaKind.IMAGE || stills.contains(p.media().file());
    }

    /** The combinations {@code glimpse ask} refuses, as 400s naming the field. */
    private void check(GlimpseParams g, List<Part> parts, int images, boolean video, boolean videoAsked) {
        if (images > 0 && video) {
            throw ApiException.invalid("messages", "a conversation takes images or videos, not both");
        }
        if (video && model.family() == LlavaCheckpoint.Family.LLAVA_15) {
            throw ApiException.invalid("messages", "LLaVA-1.5 takes images, not videos");
        }
        if (g.llmPruning() != null && parts.size() != 1) {
            throw ApiException.invalid("glimpse.llm_pruning", "in-LLM pruning takes exactly one image or video, got " + parts.size());
        }
        if (g.scheme().rotatesVisualRows() && parts.size() > 1) {
            throw ApiException.invalid("glimpse.positions", "positions " + g.positions().spelling()
                    + " takes one image or video, got " + parts.size());
        }
        if (!videoAsked && Boolean.TRUE.equals(g.plan())) {
            throw ApiException.invalid("glimpse.plan", "planning chooses the frames of a video; this conversation has none");
        }
        if (!videoAsked && g.budget() != null && g.reduce() == null) {
            throw ApiException.invalid("glimpse.budget", "on images, a budget needs glimpse.reduce");
        }
        if (videoAsked && g.plans() && g.budget() == null) {
            throw ApiException.invalid("glimpse.budget", "planning needs glimpse.budget");
        }
        if (g.queryAwareOrDefault() && limits.scorer() == null) {
            throw ApiException.invalid("glimpse.query_aware", "query-aware planning needs a server started with --scorer DIR");
        }
    }

    /** Everything that shapes a medium's block, {@code image} when it goes to the model as an image. */
    private static String key(Media m, boolean image, GlimpseParams g, Optional<Pipeline> pipeline, int images, String query) {
        String sent = image ? "image:" + (images > 1 ? "several" : "alone") : "video";
        String how = m.kind() == MediaKind.IMAGE ? sent
                : g.plans() ? sent + ":plan:" + g.budget() + ":" + g.methodOrDefault().id() + ":" + g.fpsOrDefault() + ":" + g.dedup()
                        + (query == null ? "" : ":query:" + query)
                : sent + ":frames:" + g.framesOrDefault();
        return m.sha256() + "|" + how + "|" + pipeline.map(p -> p.spec().toString()).orElse("") + "|" + g.scheme().policy();
    }

    private VisualBlock block(Part p, boolean image, GlimpseParams g, Optional<Pipeline> pipeline, int images, String query) {
        List<RgbImage> frames = frames(p, g, query);
        PositionPolicy policy = g.scheme().policy();
        try {
            return image ? VisualBlock.image(model, frames.getFirst(), images, pipeline, policy)
                    : VisualBlock.video(model, frames, pipeline, policy);
        } catch (BadInputException e) {
            throw ApiException.invalid("glimpse.reduce", e.getMessage());
        }
    }

    /** The medium's frames: an image's only one, a video's evenly spaced or planned ones, each within the limits. */
    private List<RgbImage> frames(Part p, GlimpseParams g, String query) {
        Path file = p.media().file();
        VideoInfo info = probe(p);
        try {
            if ((long) info.width() * info.height() > limits.maxPixels()) {
                throw ApiException.invalid(p.param(), p.param() + ": " + info.width() + "x" + info.height()
                        + " pixels exceed --max-pixels " + limits.maxPixels());
            }
            if (p.media().kind() == MediaKind.VIDEO && g.plans()) {
                PlanJob.Selection s = PlanJob.select(file, new PlanJob.Options(g.budget(), planTarget, g.methodOrDefault(),
                        g.fpsOrDefault(), null, query == null ? null : new PlanJob.Query(limits.scorer(), query), g.dedup()),
                        model.costModel(), PlanJob.Listener.QUIET, PlanJob.Pixels.DECODED);
                if (s.frames().isEmpty() || s.frames().size() > limits.maxFrames()) {
                    throw ApiException.invalid("glimpse.budget", "the plan chose " + s.frames().size() + " frames; "
                            + "at least 1 and at most --max-frames " + limits.maxFrames() + " may go to the model");
                }
                return s.frames().stream().map(PlanJob.ChosenFrame::image).toList();
            }
            FrameReader reader = new FrameReader(w -> { });
            return p.media().kind() == MediaKind.IMAGE ? List.of(reader.first(file))
                    : reader.read(file, Sampling.count(g.framesOrDefault()), g.framesOrDefault(), "");
        } catch (IOException | BadInputException | IllegalStateException e) {
            throw undecodable(p, e);
        }
    }

    private static VideoInfo probe(Part p) {
        try {
            return VideoSource.probe(p.media().file());
        } catch (BadInputException | IllegalStateException e) {
            throw undecodable(p, e);
        }
    }

    private static ApiException undecodable(Part p, Exception e) {
        String why = e.getMessage() == null ? "cannot be decoded" : e.getMessage().replace(p.media().file().toString(), "the media");
        return ApiException.invalid(p.param(), p.param() + ": " + why);
    }

    /** One key per prompt row: a text row's token id, a visual row's block hash mixed with its index (sign bit set). */
    private long[] rowKeys(int[] ids, List<Visual> blocks, int rows) {
        long[] keys = new long[rows];
        int row = 0;
        int next = 0;
        for (int id : ids) {
            if (model.firstPlaceholder(new int[] {id}) == 0) {
                Visual v = blocks.get(next++);
                for (int i = 0; i < v.block().rows(); i++) {
                    keys[row++] = (v.hash() + i * 0x9E3779B97F4A7C15L) | Long.MIN_VALUE;
                }
            } else {
                keys[row++] = id;
            }
        }
        return keys;
    }

    /** Keeps the conversation's cache for a follow-up: the prompt's rows and the generated tokens it has run. */
    private void remember(long[] keys, int[] positions, KvCache cache, int[] generated, int rows, int firstGenerated) {
        int held = cache.length(0);
        long[] k = Arrays.copyOf(keys, held);
        int[] pos = Arrays.copyOf(positions, held);
        for (int i = rows; i < held; i++) {
            k[i] = generated[i - rows];
            pos[i] = firstGenerated + (i - rows);
        }
        prefixes.put(k, pos, cache);
    }

    private static long hash(String key) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(d).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Decode steps the scheduler has run and the sequence rows they held, for /metrics. */
    long decodeSteps() {
        return scheduler.steps();
    }

    long decodeRows() {
        return scheduler.rows();
    }

    @Override
    public void close() {
        scheduler.close();
        model.close();
    }
}
