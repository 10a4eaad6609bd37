package io.glimpse.cli;

import io.glimpse.job.AskJob;
import io.glimpse.server.ApiException;
import io.glimpse.server.GlimpseParams;
import io.glimpse.server.GlimpseServer;
import io.glimpse.server.ServeOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code glimpse serve}: an OpenAI-compatible server that keeps the model, the encoded media and the KV prefix warm. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serve POST /v1/chat/completions (text, image_url and video_url parts; stream: true as SSE), "
                + "POST /v1/completions (text after a prompt; glimpse.byte_level: byte by byte, as complete --byte-level), "
                + "POST /v1/plan (a video's planned frames as PNG, no model needed), GET /v1/models, /health and /metrics. "
                + "The model is loaded once; encoded media and the KV cache of earlier turns stay warm."})
public final class ServeCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "DIR|FILE", description = "LLaVA-1.5 / LLaVA-OneVision checkpoint folder, or a GGUF "
            + "language model with --mmproj; without it only /v1/plan serves.")
    Path model;

    @Option(names = "--mmproj", paramLabel = "FILE", description = "llama.cpp mmproj GGUF for a GGUF --model (a language model file).")
    Path mmproj;

    @Option(names = "--weights", defaultValue = "auto", paramLabel = "FORMAT",
            description = "Decoder weights: auto (as stored, mapped from the checkpoint), f32, f16, bf16, q8_0 or q4_0 "
                    + "(converted once on load) (default: ${DEFAULT-VALUE}).")
    String weights;

    @Option(names = "--threads", paramLabel = "N", description = "Threads for decode and prefill (default: every core).")
    Integer threads;

    @Option(names = "--kv", defaultValue = "f32", paramLabel = "TYPE", description = "How every generation's KV cache "
            + "stores keys and values: f32 (default) or f16 (half the memory per token), as glimpse ask --kv.")
    String kv;

    @Option(names = "--scorer", paramLabel = "DIR", description = "CLIP or SigLIP checkpoint folder with a text tower "
            + "that scores frames for glimpse.query_aware planning.")
    Path scorer;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "ADDR", description = "Address to bind (default: ${DEFAULT-VALUE}, loopback only).")
    String host;

    @Option(names = "--port", defaultValue = "8080", paramLabel = "N", description = "Port, 0 = any free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--allow-dir", paramLabel = "DIR", description = "Directory whose files requests may name by path or file: URL; repeat for several. None by default.")
    List<Path> allowDirs = new ArrayList<>();

    @Option(names = "--api-key", paramLabel = "KEY", description = "Require Authorization: Bearer KEY on every route but /health.")
    String apiKey;

    @Option(names = "--max-concurrency", defaultValue = "4", paramLabel = "N", description = "Generations running at once; their decode steps run together, each weight read serving all (default: ${DEFAULT-VALUE}).")
    int maxConcurrency;

    @Option(names = "--queue", defaultValue = "8", paramLabel = "N", description = "Requests waiting for a slot before 429 (default: ${DEFAULT-VALUE}).")
    int queue;

    @Option(names = "--max-body", defaultValue = "104857600", paramLabel = "BYTES", description = "Largest request body (default: ${DEFAULT-VALUE}).")
    long maxBody;

    @Option(names = "--max-frames", defaultValue = "64", paramLabel = "N", description = "Most frames of one video (default: ${DEFAULT-VALUE}).")
    int maxFrames;

    @Option(names = "--max-pixels", defaultValue = "16777216", paramLabel = "N", description = "Most pixels of one image or frame (default: ${DEFAULT-VALUE}).")
    long maxPixels;

    @Option(names = "--max-visual-tokens", defaultValue = "32768", paramLabel = "N", description = "Most visual rows one request gives the decoder (default: ${DEFAULT-VALUE}).")
    int maxVisualTokens;

    @Option(names = "--max-tokens", defaultValue = "512", paramLabel = "N", description = "Largest and default max_tokens (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--timeout", defaultValue = "300", paramLabel = "S", description = "Seconds one request may take, queueing included (default: ${DEFAULT-VALUE}).")
    long timeout;

    @Option(names = "--visual-cache-mb", defaultValue = "512", paramLabel = "MB", description = "Bound of the encoded-media cache (default: ${DEFAULT-VALUE}).")
    long visualCacheMb;

    @Option(names = "--prefix-cache-mb", defaultValue = "1024", paramLabel = "MB", description = "Bound of the KV prefix cache (default: ${DEFAULT-VALUE}).")
    long prefixCacheMb;

    @Option(names = "--frames", paramLabel = "N", description = "Default glimpse.frames: video frames sampled evenly (8 when unset).")
    Integer frames;

    @Option(names = "--budget", paramLabel = "N", description = "Default glimpse.budget.")
    Integer budget;

    @Option(names = "--plan", description = "Default glimpse.plan: plan videos' frames under the budget.")
    boolean plan;

    @Option(names = "--method", paramLabel = "M", description = "Default glimpse.method: uniform | scenes | clips | quota.")
    String method;

    @Option(names = "--fps", paramLabel = "F", description = "Default glimpse.fps for planning.")
    Double fps;

    @Option(names = "--dedup", paramLabel = "C", description = "Default glimpse.dedup: planning drops frames of which "
            + "fewer than the share C of patches changed since the last kept one.")
    Double dedup;

    @Option(names = "--query-aware", description = "Default glimpse.query_aware: plan with the question as query (needs --scorer).")
    boolean queryAware;

    @Option(names = "--reduce", paramLabel = "SPEC", description = "Default glimpse.reduce pipeline.")
    String reduce;

    @Option(names = "--llm-prune", paramLabel = "METHOD", description = "Default glimpse.llm_pruning: fastv | aim | todre.")
    String llmPrune;

    @Option(names = "--positions", paramLabel = "POLICY", description = "Default glimpse.positions: keep | recompact "
            + "(default) | vista | tclava, as glimpse ask --positions.")
    String positions;

    @Option(names = "--tc-gamma", paramLabel = "G", description = "Default glimpse.tc_gamma: TC-LLaVA's weight of the temporal id (1 when unset).")
    Double tcGamma;

    @Option(names = "--speculate", paramLabel = "MODE", description = "Default glimpse.speculate: none (default), "
            + "recycling or recycling-compact (Token Recycling, lossless, as glimpse ask --speculate; its tables stay warm "
            + "across generations).")
    String speculate;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        GlimpseParams defaults;
        try {
            defaults = GlimpseParams.fromFlags(frames, budget, plan, method, fps, dedup, queryAware, reduce, llmPrune,
                    positions, tcGamma, speculate == null ? null : AskCommand.speculation(speculate), maxFrames);
        } catch (ApiException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
        if (queryAware && scorer == null) {
            throw new CommandLine.ParameterException(cl, "--query-aware needs --scorer DIR");
        }
        if (scorer != null && !Files.isDirectory(scorer)) {
            throw new CommandLine.ParameterException(cl, "--scorer " + scorer + ": not a directory");
        }
        for (Path d : allowDirs) {
            if (!Files.isDirectory(d)) {
                throw new CommandLine.ParameterException(cl, "--allow-dir " + d + ": not a directory");
            }
        }
        AskJob.Kv kvType = java.util.Arrays.stream(AskJob.Kv.values()).filter(k -> k.spelling().equals(kv)).findFirst()
                .orElseThrow(() -> new CommandLine.ParameterException(cl, "--kv must be f32 or f16, got '" + kv + "'"));
        ServeOptions options;
        try {
            options = new ServeOptions(host, port, allowDirs, apiKey, maxConcurrency, queue, maxBody, maxFrames, maxPixels,
                    maxVisualTokens, maxTokens, Duration.ofSeconds(timeout), defaults, visualCacheMb << 20, prefixCacheMb << 20,
                    AskJob.Engine.parse(weights, threads), kvType, scorer);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
        if (!InetAddress.getByName(host).isLoopbackAddress() && apiKey == null) {
            cl.getErr().println("glimpse: warning: serving on " + host + " without --api-key: anyone who reaches it may use it");
        }
        if (mmproj != null && model == null) {
            throw new CommandLine.ParameterException(cl, "--mmproj needs --model");
        }
        GlimpseServer server = GlimpseServer.open(model, mmproj, options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }));
        cl.getOut().printf("glimpse serve: http://%s:%d/v1 (%s)%n", host.contains(":") ? "[" + host + "]" : host, server.port(),
                model == null ? "planning only, no model" : "model " + model);
        cl.getOut().flush();
        stopped.await();
        return GlimpseCli.OK;
    }
}
