package io.glimpse.server;

import io.glimpse.job.AskJob;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything {@code glimpse serve} is started with.
 *
 * @param allowDirs       directories whose files requests may name (real paths), empty = none
 * @param apiKey          the bearer token every route but /health requires, or null for none
 * @param maxConcurrency  generations running at once
 * @param queue           requests waiting for a generation slot before more are refused with 429
 * @param maxBodyBytes    largest request body
 * @param maxFrames       most frames one video may give the model
 * @param maxPixels       most pixels of one image or video frame
 * @param maxVisualTokens most visual rows one request may send to the decoder
 * @param maxTokens       largest max_tokens a request may ask for (and the default)
 * @param timeout         wall time one request may take, queueing included
 * @param defaults        the {@code glimpse} request object's values when a request leaves them out
 * @param visualCacheBytes bound of the encoded-media cache
 * @param prefixCacheBytes bound of the KV prefix cache
 * @param engine          the decoder's weight format and the threads of its loops
 * @param kv              how every generation's KV cache stores keys and values
 * @param scorer          CLIP or SigLIP folder that scores frames for query-aware planning, or null
 */
public record ServeOptions(String host, int port, List<Path> allowDirs, String apiKey, int maxConcurrency, int queue,
                           long maxBodyBytes, int maxFrames, long maxPixels, int maxVisualTokens, int maxTokens,
                           Duration timeout, GlimpseParams defaults, long visualCacheBytes, long prefixCacheBytes,
                           AskJob.Engine engine, AskJob.Kv kv, Path scorer) {
    public ServeOptions {
        allowDirs = List.copyOf(allowDirs);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
        }
        if (maxConcurrency < 1 || queue < 0) {
            throw new IllegalArgumentException("max concurrency must be at least 1 and the queue non-negative, got "
                    + maxConcurrency + " and " + queue);
        }
        if (maxBodyBytes < 1 || maxFrames < 1 || maxPixels < 1 || maxVisualTokens < 1 || maxTokens < 1) {
            throw new IllegalArgumentException("body, frame, pixel, visual-token and max-token limits must be positive");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        if (visualCacheBytes < 0 || prefixCacheBytes < 0) {
            throw new IllegalArgumentException("cache sizes must be non-negative");
        }
    }
}
