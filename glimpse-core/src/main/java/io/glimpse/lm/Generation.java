package io.glimpse.lm;

import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * Autoregressive decoding after a prefill: sample, stream, feed back through the KV cache, until a stop token or
 * the token limit. The last chosen token is not run, so the cache ends one token short of the output (feed it
 * with {@link DecoderModel#step} before continuing the conversation).
 *
 * @param tokens  generated ids, without the stop token
 * @param stopped true when a stop token ended generation, false when the limit did
 */
public record Generation(int[] tokens, boolean stopped) {

    /**
     * @param firstLogits logits of the last prompt row (from the prefill)
     * @param vocabLimit  ids at or beyond this (embedding rows the tokenizer lacks) are never chosen
     * @param stopIds     ids that end generation
     * @param onToken     receives every generated id except the stop token, as soon as it is chosen
     */
    public static Generation run(DecoderModel model, KvCache cache, float[] firstLogits, int maxNewTokens, Sampler sampler,
                                 int vocabLimit, int[] stopIds, IntConsumer onToken) {
        if (maxNewTokens < 0) {
            throw new IllegalArgumentException("maxNewTokens must be non-negative, got " + maxNewTokens);
        }
        int[] out = new int[maxNewTokens];
        float[] logits = firstLogits;
        for (int i = 0; i < maxNewTokens; i++) {
            int token = sampler.next(logits, vocabLimit);
            for (int stop : stopIds) {
                if (token == stop) {
                    return new Generation(Arrays.copyOf(out, i), true);
                }
            }
            out[i] = token;
            onToken.accept(token);
            if (i + 1 < maxNewTokens) {
                logits = model.step(cache, token);
            }
        }
        return new Generation(out, false);
    }
}
