package io.glimpse.server;

import io.glimpse.io.BadInputException;
import io.glimpse.job.CompleteJob;
import io.glimpse.job.Utf8Stream;
import io.glimpse.lm.DecoderModel;
import io.glimpse.lm.Generation;
import io.glimpse.lm.KvCache;
import io.glimpse.lm.Sampler;
import io.glimpse.lm.TextStream;
import io.glimpse.lm.TextTokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Plain text continued by the decoder of a {@link ChatEngine}, without chat template or media: token by token
 * (sample, stream, feed back), or byte by byte from exact next-byte probabilities ({@link CompleteJob}, the same
 * steps as {@code glimpse complete --byte-level}). Both honour OpenAI's stop strings and halt between steps when the
 * sink asks. The byte-level reading of the vocabulary is built at the first byte-level request and kept.
 *
 * <p>Thread-safe: the decoder is only read; every request has its own KV cache or byte state.
 */
final class TextCompletions {
    private final ChatEngine engine;
    private final DecoderModel decoder;
    private final TextTokenizer tokenizer;
    private final int[] stopIds;
    private CompleteJob.Model bytes;

    /** Receives text as it becomes final, with the byte steps behind it (byte level with show_probs, else none). */
    interface Sink {
        void text(String text, List<CompleteJob.Step> steps);

        /** Why generation must stop now, or null to go on. */
        String halt();
    }

    /**
     * @param promptUnits    prompt tokens, or prompt bytes at byte level
     * @param generatedUnits tokens or bytes generated
     * @param finishReason   stop (end of text or a stop string) or length
     */
    record Answer(String text, String finishReason, int promptUnits, int generatedUnits, long firstNanos, long totalNanos) {
    }

    TextCompletions(ChatEngine engine) {
        this.engine = engine;
        this.decoder = engine.model().decoder();
        this.tokenizer = engine.model().tokenizer();
        this.stopIds = engine.model().template().stopIds(tokenizer);
    }

    /**
     * Continues the request's prompt, passing text to {@code sink} as it becomes final.
     *
     * @throws ApiException        400 for a prompt or length the model cannot take
     * @throws ChatEngine.Halted   when the sink asked to stop
     */
    Answer run(CompletionRequest r, Sink sink) {
        try {
            return r.byteLevel() ? bytes(r, sink) : tokens(r, sink);
        } catch (BadInputException e) {
            throw ApiException.invalid("prompt", e.getMessage());
        }
    }

    private static long seed(CompletionRequest r) {
        return r.seed() == null ? ThreadLocalRandom.current().nextLong() : r.seed();
    }

    private Answer tokens(CompletionRequest r, Sink sink) {
        long start = System.nanoTime();
        Sampler sampler = r.temperature() == null || r.temperature() == 0 ? Sampler.greedy()
                : Sampler.sampling(r.temperature(), r.topP() == null ? 1 : r.topP(), seed(r));
        int[] ids = tokenizer.encode(r.prompt(), true);
        if (ids.length == 0) {
            throw ApiException.invalid("prompt", "the prompt is empty and this tokenizer has no BOS token to start from");
        }
        int max = r.maxTokensOrDefault();
        int context = decoder.config().context();
        if (ids.length + max > context) {
            throw ApiException.invalid("max_tokens", "the prompt's " + ids.length + " tokens and max_tokens " + max
                    + " exceed the model's context of " + context);
        }
        KvCache cache = decoder.newCache(ids.length + max);
        int[] positions = new int[ids.length];
        Arrays.setAll(positions, i -> i);
        float[] first = engine.inPool(() -> decoder.forward(cache, decoder.embed(ids), positions, 1));
        long firstNanos = System.nanoTime() - start;
        TextStream text = new TextStream(tokenizer);
        StopStrings stops = new StopStrings(r.stop());
        StringBuilder out = new StringBuilder();
        int[] generated = {0};
        halt(sink);
        boolean stopToken;
        try {
            stopToken = engine.inPool(() -> Generation.run(decoder, cache, first, max, sampler, tokenizer.size(), stopIds, token -> {
                generated[0]++;
                emit(sink, out, stops.accept(text.accept(token)), List.of(), false);
                if (stops.stopped()) {
                    throw new ChatEngine.StopFound();
                }
                if (generated[0] < max) {
                    halt(sink);
                }
            })).stopped();
        } catch (ChatEngine.StopFound e) {
            stopToken = false;
        }
        if (!stops.stopped()) {
            emit(sink, out, stops.accept(text.finish()) + stops.finish(), List.of(), true);
        }
        String finish = stopToken || stops.stopped() ? "stop" : "length";
        return new Answer(out.toString(), finish, ids.length, generated[0], firstNanos, System.nanoTime() - start);
    }

    private Answer bytes(CompletionRequest r, Sink sink) {
        long start = System.nanoTime();
        byte[] prompt = r.prompt().getBytes(StandardCharsets.UTF_8);
        CompleteJob.Options o = new CompleteJob.Options(prompt, r.maxTokensOrDefault(),
                r.temperature() == null ? 0 : r.temperature(), r.topP() == null ? 1 : r.topP(), seed(r), r.showProbs());
        Utf8Stream utf8 = new Utf8Stream();
        StopStrings stops = new StopStrings(r.stop());
        StringBuilder out = new StringBuilder();
        List<CompleteJob.Step> held = new ArrayList<>();
        long[] firstNanos = {-1};
        CompleteJob.Result result = engine.inPool(() -> CompleteJob.generateWhile(List.of(bytesModel()), o, step -> {
            if (firstNanos[0] < 0) {
                firstNanos[0] = System.nanoTime() - start;
            }
            halt(sink);
            if (r.showProbs() > 0) {
                held.add(step);
            }
            if (step.chosen().symbol() != CompleteJob.END) {
                emit(sink, out, stops.accept(utf8.accept(step.chosen().symbol())), held, false);
            }
            return !stops.stopped();
        }));
        emit(sink, out, stops.stopped() ? "" : stops.accept(utf8.rest()) + stops.finish(), held, true);
        String finish = result.ended() || stops.stopped() ? "stop" : "length";
        return new Answer(out.toString(), finish, prompt.length, result.completion().length,
                Math.max(0, firstNanos[0]), System.nanoTime() - start);
    }

    /** Passes {@code text} on with the steps held for it; steps wait for text until the {@code last} call. */
    private static void emit(Sink sink, StringBuilder out, String text, List<CompleteJob.Step> held, boolean last) {
        if (text.isEmpty() && (held.isEmpty() || !last)) {
            return;
        }
        out.append(text);
        sink.text(text, List.copyOf(held));
        if (!held.isEmpty()) {
            held.clear();
        }
    }

    private static void halt(Sink sink) {
        String reason = sink.halt();
        if (reason != null) {
            throw new ChatEngine.Halted(reason);
        }
    }

    private synchronized CompleteJob.Model bytesModel() {
        if (bytes == null) {
            try {
                bytes = CompleteJob.Model.of(engine.source(), decoder, tokenizer);
            } catch (BadInputException e) {
                throw ApiException.invalid("glimpse.byte_level", e.getMessage());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return bytes;
    }
}
