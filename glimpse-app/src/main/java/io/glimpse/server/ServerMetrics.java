package io.glimpse.server;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/** The server's Prometheus metrics, in a registry of its own (several servers may live in one JVM, as in tests). */
final class ServerMetrics {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests = Counter.builder().name("glimpse_requests_total")
            .help("HTTP requests by route and status").labelNames("route", "status").register(registry);
    final Gauge active = Gauge.builder().name("glimpse_active_generations").help("generations running now").register(registry);
    final Histogram firstToken = Histogram.builder().name("glimpse_time_to_first_token_seconds")
            .help("from admission to the first generated token").classicOnly()
            .classicUpperBounds(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120).register(registry);
    final Histogram decodeSpeed = Histogram.builder().name("glimpse_decode_tokens_per_second")
            .help("decode speed of each generation after its first token").classicOnly()
            .classicUpperBounds(1, 2, 5, 10, 20, 50, 100, 200, 500).register(registry);
    final Counter visualIn = Counter.builder().name("glimpse_visual_tokens_in_total")
            .help("visual tokens out of the vision tower, before reduction").register(registry);
    final Counter visualOut = Counter.builder().name("glimpse_visual_tokens_out_total")
            .help("visual rows given to the decoder, after reduction").register(registry);
    final Counter cacheHits = Counter.builder().name("glimpse_cache_hits_total")
            .help("cache hits: visual (encoded and reduced media), prefix (KV cache of a conversation's start)")
            .labelNames("cache").register(registry);
    final Counter cacheMisses = Counter.builder().name("glimpse_cache_misses_total")
            .help("cache misses, by cache").labelNames("cache").register(registry);
    final Counter halted = Counter.builder().name("glimpse_generations_halted_total")
            .help("generations stopped before their end, by reason: client (it left), timeout (--timeout), interrupted")
            .labelNames("reason").register(registry);
    final Counter prefixRows = Counter.builder().name("glimpse_prefix_rows_reused_total")
            .help("prompt rows whose prefill a prefix-cache hit saved").register(registry);

    /**
     * @param decodeSteps batched decode steps run so far
     * @param decodeRows  sequence rows those steps held (their ratio is the mean batch)
     */
    ServerMetrics(IntSupplier queueDepth, LongSupplier decodeSteps, LongSupplier decodeRows) {
        GaugeWithCallback.builder().name("glimpse_queue_depth").help("requests waiting for a generation slot")
                .callback(cb -> cb.call(queueDepth.getAsInt())).register(registry);
        CounterWithCallback.builder().name("glimpse_decode_steps").help("decode steps, each one forward for every active generation")
                .callback(cb -> cb.call(decodeSteps.getAsLong())).register(registry);
        CounterWithCallback.builder().name("glimpse_decode_rows").help("generation rows the decode steps held")
                .callback(cb -> cb.call(decodeRows.getAsLong())).register(registry);
    }

    void request(String route, int status) {
        requests.labelValues(route, Integer.toString(status)).inc();
    }

    String text() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            PrometheusTextFormatWriter.create().write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    static String contentType() {
        return PrometheusTextFormatWriter.CONTENT_TYPE;
    }
}
