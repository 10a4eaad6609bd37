package io.glimpse.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.glimpse.image.RgbImage;
import io.glimpse.io.DType;
import io.glimpse.io.JsonFiles;
import io.glimpse.io.SafeTensors;
import io.glimpse.io.TensorData;
import io.glimpse.lm.DecoderConfig;
import io.glimpse.lm.FastVLayerPruner;
import io.glimpse.lm.MatVec;
import io.glimpse.lm.PositionPolicy;
import io.glimpse.lm.Sampler;
import io.glimpse.media.SyntheticVideo;
import io.glimpse.model.Ask;
import io.glimpse.model.LlavaModel;
import io.glimpse.reduce.Pipeline;
import io.glimpse.tensor.Gemm;
import io.glimpse.tensor.VectorOps;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

/**
 * {@code glimpse ask} end to end on a model shaped like llava-onevision-qwen2-0.5b (SigLIP-so400m/384 tower, projector,
 * Qwen2-0.5B decoder) with random weights written at bench time: time to first token and decode speed without
 * reduction against reduction pipelines and in-LLM FastV, in one run, and decode speed against the memory-bandwidth
 * floor (f32 weights read once per token ÷ a memory read bandwidth measured in the same run). Also times the decoder's
 * matrix-vector products through {@link Gemm#get()} at m = 1 against {@link MatVec}, to compare GEMM backends.
 */
@Command(name = "ask", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Time to first token and decode tokens/s of a random-weight LLaVA-OneVision-0.5B-shaped model, "
                + "without reduction and with several pipelines.")
final class BenchAskCommand implements Callable<Integer> {
    static final String PROMPT = "Describe what happens in this video, scene by scene.";
    /** Matryoshka's scale with 36 tokens per 27×27 frame grid. */
    static final int M3_KERNEL = 4;

    /**
     * A LLaVA-OneVision shape: the SigLIP tower and a Qwen2 decoder with tied embeddings.
     *
     * @param specialBase id of {@code <|endoftext|>}; {@code <|im_start|>}, {@code <|im_end|>}, {@code <image>},
     *                    {@code <video>} follow it
     */
    record Shape(String name, RandomTower tower, int hidden, int layers, int heads, int kvHeads, int intermediate,
                 int vocab, int specialBase) {
        Shape with(int decoderLayers, int visionLayers) {
            RandomTower t = tower;
            RandomTower deeper = new RandomTower(t.name() + "-" + visionLayers + "l", t.clip(), t.hidden(), visionLayers,
                    t.heads(), t.mlp(), t.image(), t.patch(), t.activation());
            return new Shape(name, deeper, hidden, decoderLayers, heads, kvHeads, intermediate, vocab, specialBase);
        }

        DecoderConfig decoder() {
            return new DecoderConfig("qwen2", vocab, hidden, intermediate, layers, heads, kvHeads, hidden / heads, 1e-6f,
                    1e6, null, true, true, false, false, 32768);
        }

        int grid() {
            return tower.image() / tower.patch();
        }

        /** Rows per frame after OneVision's 2×2 bilinear pooling. */
        int pooledPerFrame() {
            int g = (grid() + 1) / 2;
            return g * g;
        }
    }

    static final Shape FULL = new Shape("llava-onevision-qwen2-0.5b",
            new RandomTower("siglip-so400m-patch14-384", false, 1152, 26, 16, 4304, 384, 14, "gelu_pytorch_tanh"),
            896, 24, 14, 2, 4864, 151936, 151643);
    static final Shape TINY = new Shape("llava-onevision-tiny",
            new RandomTower("siglip-tiny", false, 72, 2, 4, 144, 112, 14, "gelu_pytorch_tanh"),
            64, 3, 4, 2, 128, 4096, 4091);
    /** The full tower has 26 layers (OneVision drops SigLIP's last); this many keep a 32-frame run to minutes on 2 cores. */
    static final int DEFAULT_VISION_LAYERS = 4;

    @Option(names = "--frames", defaultValue = "32", description = "Video frames (default: ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--tokens", defaultValue = "16", description = "Tokens to decode (default: ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--repeat", defaultValue = "1", description = "Runs of each pipeline; the best counts (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--layers", paramLabel = "N", description = "Decoder layers (default: 24, Qwen2-0.5B; 3 with --tiny).")
    Integer layers;

    @Option(names = "--vision-layers", paramLabel = "N", description = "Vision tower layers (default: " + DEFAULT_VISION_LAYERS
            + " of SigLIP-so400m's 26, so the bench takes minutes; 2 with --tiny).")
    Integer visionLayers;

    @Option(names = "--keep", defaultValue = "0.25", description = "Budget of the token-count pipelines as a fraction of the "
            + "unreduced decoder rows (default: ${DEFAULT-VALUE}).")
    double keep;

    @Option(names = "--seed", defaultValue = "7", description = "Seed of the random weights (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--tiny", description = "A tiny model (hidden 64-72, 2 vision and 3 decoder layers, 112 px) to check the command in seconds.")
    boolean tiny;

    @Option(names = "--cache", defaultValue = "${sys:java.io.tmpdir}/glimpse-bench",
            description = "Where the random checkpoint is kept between runs (default: ${DEFAULT-VALUE}).")
    Path cache;

    @Option(names = "--gemv-only", description = "Only the memory bandwidths and the decoder's matrix-vector products "
            + "(seconds; run once per -Dglimpse.gemm backend to compare them).")
    boolean gemvOnly;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** One configuration of the table: a reduction before the decoder, pruning inside it, or neither. */
    record Entry(String label, Pipeline pipeline, Ask.LlmPruning pruning) {
    }

    /** Best timings of one entry over the repeats, with the counts of its last run. */
    record Row(String label, int rows, int lastLayerRows, double encode, double reduce, double prefill, double ttft,
               double decodeRate, int generated) {
    }

    @Override
    public Integer call() throws Exception {
        if (frames < 1 || frames > EncodeCommand.MAX_FRAMES || tokens < 2 || repeat < 1 || !(keep > 0 && keep < 1)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "need --frames in [1, " + EncodeCommand.MAX_FRAMES
                    + "], --tokens >= 2, --repeat >= 1 and --keep in (0, 1)");
        }
        Shape base = tiny ? TINY : FULL;
        int decoderLayers = layers != null ? layers : base.layers();
        int towerLayers = visionLayers != null ? visionLayers : tiny ? base.tower().layers() : DEFAULT_VISION_LAYERS;
        if (decoderLayers < 1 || towerLayers < 1 || towerLayers > FULL.tower().layers()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--layers must be >= 1 and --vision-layers in [1, "
                    + FULL.tower().layers() + "]");
        }
        Shape shape = base.with(decoderLayers, towerLayers);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        long weightBytes = decodeWeightBytes(shape.decoder());
        if (gemvOnly) {
            Bandwidth bandwidth = Bandwidth.measure();
            printBandwidth(out, bandwidth, weightBytes);
            gemv(out, shape.decoder(), bandwidth.read());
            return GlimpseCli.OK;
        }
        err.printf(Locale.ROOT, "preparing the random checkpoint (seed %d) under %s...%n", seed, cache);
        err.flush();
        Path dir = materialize(shape, cache, seed);
        List<RgbImage> video = frames(frames, tiny ? 160 : 640, tiny ? 90 : 360);
        try (LlavaModel llava = LlavaModel.load(dir)) {
            out.printf(Locale.ROOT, "model: %s shape, random weights; vision tower SigLIP %s: %d of %d layers%s; decoder Qwen2 "
                            + "hidden %d, %d layers, %d heads, %d kv heads, mlp %d, vocab %d, tied embeddings%n", shape.name(),
                    tiny ? "tiny" : "so400m/384", towerLayers, base.tower().layers(),
                    towerLayers < base.tower().layers() ? " (shallower than the checkpoint, so encode times are lower)" : "",
                    shape.hidden(), decoderLayers, shape.heads(), shape.kvHeads(), shape.intermediate(), shape.vocab());
            out.printf(Locale.ROOT, "input: %d synthetic frames, %d visual tokens from the tower, prompt \"%s\", greedy, "
                            + "%d decoded tokens; gemm %s, %d threads; best of %d, pipelines taken in turn%n", frames,
                    frames * shape.grid() * shape.grid(), PROMPT, tokens, Gemm.get().getClass().getSimpleName(),
                    Runtime.getRuntime().availableProcessors(), repeat);
            out.flush();
            // Measured before and after the table (the better of each counts), as other work on the machine comes and goes.
            Bandwidth before = Bandwidth.measure();
            Ask.run(llava, request(video.subList(0, 1), new Entry("warm-up", null, null), 2), s -> { });
            List<Entry> entries = entries(shape, towerLayers);
            Row[] best = new Row[entries.size()];
            for (int i = 0; i < repeat; i++) {
                for (int e = 0; e < best.length; e++) {
                    best[e] = measure(llava, video, entries.get(e), best[e], i, err);
                }
            }
            Bandwidth bandwidth = before.max(Bandwidth.measure());
            double floor = printBandwidth(out, bandwidth, weightBytes);
            printTable(out, List.of(best), floor);
            gemv(out, shape.decoder(), bandwidth.read());
        }
        out.flush();
        return GlimpseCli.OK;
    }

    /** Prints the bandwidths and returns the decode floor in tokens/s. */
    private static double printBandwidth(PrintWriter out, Bandwidth bandwidth, long weightBytes) {
        double floor = bandwidth.read() / weightBytes;
        out.printf(Locale.ROOT, "memory bandwidth: read %.2f GB/s (MatVec over %d MB), copy %.2f GB/s (read + written "
                        + "bytes); decoder weights read per token %.1f MB (f32); floor %.3f tokens/s at the read bandwidth%n",
                bandwidth.read() / 1e9, BUFFER_FLOATS * 4L / (1 << 20), bandwidth.copy() / 1e9, weightBytes / 1e6, floor);
        return floor;
    }

    /** The pipelines compared, with budgets a fraction {@code keep} of the unreduced decoder rows. */
    private List<Entry> entries(Shape shape, int towerLayers) {
        int tokensIn = frames * shape.grid() * shape.grid();
        int budget = (int) Math.max(1, Math.round(keep * frames * shape.pooledPerFrame()));
        double evsRate = 1 - (double) budget / tokensIn;
        int attentionLayer = Math.max(1, towerLayers - 1);
        List<Entry> entries = new ArrayList<>();
        entries.add(new Entry("none", null, null));
        for (String reduce : List.of("tome:k=" + budget,
                "visionzip:k=" + budget + ",score=received,layer=" + attentionLayer,
                String.format(Locale.ROOT, "evs:rate=%.4f", evsRate),
                "matryoshka:kernel=" + M3_KERNEL)) {
            entries.add(new Entry(reduce, Pipeline.of(reduce), null));
        }
        entries.add(new Entry("llm fastv (K=2, keep 1/2)", null, (layers, start, count) -> FastVLayerPruner.defaults(start, count)));
        return entries;
    }

    private Ask.Request request(List<RgbImage> video, Entry e, int maxTokens) {
        return new Ask.Request(List.of(), video, PROMPT, e.pipeline(), PositionPolicy.RECOMPACT, maxTokens, Sampler.greedy(),
                e.pruning());
    }

    /** One run of {@code e}, merged into {@code best} (null before the first): the best of each time and rate. */
    private Row measure(LlavaModel llava, List<RgbImage> video, Entry e, Row best, int run, PrintWriter err) {
        Ask.Stats s = Ask.run(llava, request(video, e, tokens), text -> { }).stats();
        Row r = new Row(e.label(), s.visualRows(), s.visualRowsAtLastLayer(), s.encodeNanos() / 1e9, s.reduceNanos() / 1e9,
                s.prefillNanos() / 1e9, s.firstTokenNanos() / 1e9, s.decodeTokensPerSecond(), s.generated());
        err.printf(Locale.ROOT, "%s run %d/%d: time to first token %.3f s, decode %.3f tokens/s (%d tokens)%n", e.label(),
                run + 1, repeat, r.ttft(), r.decodeRate(), r.generated());
        err.flush();
        return best == null ? r : new Row(r.label(), r.rows(), r.lastLayerRows(), Math.min(best.encode(), r.encode()),
                Math.min(best.reduce(), r.reduce()), Math.min(best.prefill(), r.prefill()), Math.min(best.ttft(), r.ttft()),
                Math.max(best.decodeRate(), r.decodeRate()), r.generated());
    }

    static void printTable(PrintWriter out, List<Row> rows, double floor) {
        Row none = rows.get(0);
        out.printf(Locale.ROOT, "%-44s %8s %8s %9s %9s %9s %10s %7s %12s %7s %8s%n", "pipeline", "LLM rows", "at last",
                "encode s", "reduce s", "prefill s", "TTFT ms", "x none", "decode tok/s", "x none", "of floor");
        for (Row r : rows) {
            out.printf(Locale.ROOT, "%-44s %8d %8d %9.3f %9.3f %9.3f %10.2f %7.3f %12.3f %7.3f %8.3f%n", r.label(), r.rows(),
                    r.lastLayerRows(), r.encode(), r.reduce(), r.prefill(), r.ttft() * 1e3, r.ttft() / none.ttft(),
                    r.decodeRate(), r.decodeRate() / none.decodeRate(), r.decodeRate() / floor);
        }
        out.flush();
    }

    /** Floats each decode step reads from the decoder's weights: every layer's matrices and vectors, the final norm and the head. */
    static long decodeWeightBytes(DecoderConfig c) {
        long d = c.hiddenSize();
        long q = (long) c.heads() * c.headDim();
        long kv = (long) c.kvHeads() * c.headDim();
        long inter = c.intermediateSize();
        long perLayer = 2 * d + (q + 2 * kv) * d + (c.qkvBias() ? q + 2 * kv : 0) + d * q + (c.oBias() ? d : 0)
                + 3 * inter * d + (c.mlpBias() ? 2 * inter + d : 0);
        return 4 * (c.layers() * perLayer + d + (long) c.vocabSize() * d);
    }

    static final int BUFFER_FLOATS = 64 << 20;

    /**
     * Memory bandwidths over buffers far larger than any cache: {@code read} streams one buffer as rows of
     * 4 KB dotted with one cached vector through {@link MatVec} (how the decoder reads weights, with nothing else to do),
     * {@code copy} counts the bytes read plus written by a copy split over the cores.
     */
    record Bandwidth(double read, double copy) {
        static final int ROW = 1024;

        Bandwidth max(Bandwidth o) {
            return new Bandwidth(Math.max(read, o.read), Math.max(copy, o.copy));
        }

        static Bandwidth measure() {
            float[] src = new float[BUFFER_FLOATS];
            float[] dst = new float[BUFFER_FLOATS];
            Arrays.fill(src, 1f);
            Arrays.fill(dst, 1f);
            VectorOps ops = VectorOps.get();
            float[] x = new float[ROW];
            Arrays.fill(x, 1f);
            float[] y = new float[BUFFER_FLOATS / ROW];
            long read = best(() -> MatVec.multiplyTransposed(ops, 1, y.length, ROW, x, src, y));
            int parts = Runtime.getRuntime().availableProcessors();
            long copy = best(() -> IntStream.range(0, parts).parallel().forEach(p ->
                    System.arraycopy(src, from(p, parts), dst, from(p, parts), from(p + 1, parts) - from(p, parts))));
            if (y[y.length - 1] != ROW) {
                throw new IllegalStateException("bandwidth probe summed " + y[y.length - 1] + ", not " + ROW);
            }
            return new Bandwidth(4.0 * BUFFER_FLOATS / (read / 1e9), 2.0 * 4 * BUFFER_FLOATS / (copy / 1e9));
        }

        private static int from(int part, int parts) {
            return (int) ((long) BUFFER_FLOATS * part / parts);
        }

        /** Best of twelve: the first runs also compile the kernels, as nothing has run before the probe. */
        private static long best(Runnable run) {
            long best = Long.MAX_VALUE;
            for (int i = 0; i < 12; i++) {
                long t0 = System.nanoTime();
                run.run();
                best = Math.min(best, System.nanoTime() - t0);
            }
            return best;
        }
    }

    /**
     * The matrix-vector products of one decoded token, per weight shape (best of five): through {@link Gemm#get()} at
     * m = 1, and through {@link MatVec}, the decoder's own path for one row, as fractions of the read bandwidth.
     */
    private static void gemv(PrintWriter out, DecoderConfig c, double bandwidth) {
        int d = c.hiddenSize();
        int q = c.heads() * c.headDim();
        int kv = c.kvHeads() * c.headDim();
        Map<String, int[]> shapes = new LinkedHashMap<>();
        shapes.put("q/k/v", new int[] {q + 2 * kv, d, c.layers()});
        shapes.put("o", new int[] {d, q, c.layers()});
        shapes.put("gate/up", new int[] {2 * c.intermediateSize(), d, c.layers()});
        shapes.put("down", new int[] {d, c.intermediateSize(), c.layers()});
        shapes.put("lm head", new int[] {c.vocabSize(), d, 1});
        Gemm gemm = Gemm.get();
        VectorOps ops = VectorOps.get();
        String gemmName = gemm.getClass().getSimpleName();
        out.printf(Locale.ROOT, "decode matrix-vector products (m = 1), best of 5: %s vs MatVec (%s dot products, the decoder's path)%n",
                gemmName, ops.getClass().getSimpleName());
        SplittableRandom rnd = new SplittableRandom(1);
        double gemmToken = 0;
        double matVecToken = 0;
        for (Map.Entry<String, int[]> e : shapes.entrySet()) {
            int n = e.getValue()[0];
            int k = e.getValue()[1];
            float[] w = new float[n * k];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) rnd.nextDouble(-1, 1);
            }
            float[] x = new float[k];
            Arrays.fill(x, 0.5f);
            float[] y = new float[n];
            double g = best(() -> gemm.multiplyTransposed(1, n, k, x, 0, w, 0, y, 0));
            double m = best(() -> MatVec.multiplyTransposed(ops, 1, n, k, x, w, y));
            int times = e.getValue()[2];
            gemmToken += g * times;
            matVecToken += m * times;
            double bytes = 4.0 * n * k;
            out.printf(Locale.ROOT, "  %-8s %6d x %-5d %s %9.3f ms (%5.3f of read bandwidth)   MatVec %9.3f ms (%5.3f)   x%d per token%n",
                    e.getKey(), n, k, gemmName, g * 1e3, bytes / g / bandwidth, m * 1e3, bytes / m / bandwidth, times);
        }
        out.printf(Locale.ROOT, "  one token's products: %s %.2f ms, MatVec %.2f ms%n", gemmName, gemmToken * 1e3, matVecToken * 1e3);
    }

    private static double best(Runnable run) {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 6; i++) {
            long t0 = System.nanoTime();
            run.run();
            if (i > 0) {
                best = Math.min(best, System.nanoTime() - t0);
            }
        }
        return best / 1e9;
    }

    /** Frames 1 s apart from a synthetic video of varied scenes. */
    static List<RgbImage> frames(int count, int width, int height) {
        int fps = 5;
        SyntheticVideo v = new SyntheticVideo(SyntheticVideo.Spec.varied(width, height, fps, count + 1, 11));
        List<RgbImage> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(v.render(i * fps));
        }
        return out;
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Decoder layers per safetensors shard, bounding the bytes held while writing. */
    private static final int LAYERS_PER_SHARD = 6;

    /**
     * The checkpoint folder of {@code shape} under {@code cache}, written first if absent: the tower from
     * {@link RandomTower} as one shard, the projector, image_newline and the decoder (Qwen2 names, no lm_head so the
     * embeddings are tied) as others, an index, config.json, the tower's preprocessor config and a byte-level tokenizer
     * with the ChatML and image/video special tokens.
     */
    static Path materialize(Shape shape, Path cache, long seed) throws IOException {
        DType dtype = DType.BF16;
        RandomTower tower = shape.tower();
        DecoderConfig c = shape.decoder();
        Path dir = cache.resolve(String.format(Locale.ROOT, "%s-%s-%dl-%s-seed%d", shape.name(), tower.name(), c.layers(),
                dtype.name().toLowerCase(Locale.ROOT), seed));
        if (Files.isRegularFile(dir.resolve("model.safetensors.index.json"))) {
            return dir;
        }
        Path towerDir = tower.materialize(cache, dtype, seed);
        Path partial = cache.resolve(".partial-" + dir.getFileName());
        RandomTower.deleteTree(partial);
        Files.createDirectories(partial);
        Map<String, String> index = new LinkedHashMap<>();
        Path towerShard = partial.resolve("vision.safetensors");
        try {
            Files.createLink(towerShard, towerDir.resolve("model.safetensors"));
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(towerDir.resolve("model.safetensors"), towerShard);
        }
        SafeTensors.read(towerShard).tensors().keySet().forEach(name -> index.put(name, "vision.safetensors"));
        int d = c.hiddenSize();
        int in = tower.hidden();
        List<TensorData> head = new ArrayList<>(List.of(
                RandomTower.random("multi_modal_projector.linear_1.weight", dtype, seed, d, in),
                RandomTower.constant("multi_modal_projector.linear_1.bias", dtype, 0f, d),
                RandomTower.random("multi_modal_projector.linear_2.weight", dtype, seed, d, d),
                RandomTower.constant("multi_modal_projector.linear_2.bias", dtype, 0f, d),
                RandomTower.random("image_newline", dtype, seed, d),
                RandomTower.random("model.embed_tokens.weight", dtype, seed, c.vocabSize(), d),
                RandomTower.constant("model.norm.weight", dtype, 1f, d)));
        writeShard(partial, "decoder-head.safetensors", head, index);
        int q = c.heads() * c.headDim();
        int kv = c.kvHeads() * c.headDim();
        int inter = c.intermediateSize();
        for (int first = 0; first < c.layers(); first += LAYERS_PER_SHARD) {
            List<TensorData> part = new ArrayList<>();
            for (int l = first; l < Math.min(c.layers(), first + LAYERS_PER_SHARD); l++) {
                String p = "model.layers." + l + ".";
                part.add(RandomTower.constant(p + "input_layernorm.weight", dtype, 1f, d));
                part.add(RandomTower.constant(p + "post_attention_layernorm.weight", dtype, 1f, d));
                part.add(RandomTower.random(p + "self_attn.q_proj.weight", dtype, seed, q, d));
                part.add(RandomTower.constant(p + "self_attn.q_proj.bias", dtype, 0f, q));
                part.add(RandomTower.random(p + "self_attn.k_proj.weight", dtype, seed, kv, d));
                part.add(RandomTower.constant(p + "self_attn.k_proj.bias", dtype, 0f, kv));
                part.add(RandomTower.random(p + "self_attn.v_proj.weight", dtype, seed, kv, d));
                part.add(RandomTower.constant(p + "self_attn.v_proj.bias", dtype, 0f, kv));
                part.add(RandomTower.random(p + "self_attn.o_proj.weight", dtype, seed, d, q));
                part.add(RandomTower.random(p + "mlp.gate_proj.weight", dtype, seed, inter, d));
                part.add(RandomTower.random(p + "mlp.up_proj.weight", dtype, seed, inter, d));
                part.add(RandomTower.random(p + "mlp.down_proj.weight", dtype, seed, d, inter));
            }
            writeShard(partial, String.format(Locale.ROOT, "decoder-%02d.safetensors", first / LAYERS_PER_SHARD), part, index);
        }
        ObjectNode indexJson = JSON.createObjectNode();
        indexJson.putObject("metadata");
        ObjectNode map = indexJson.putObject("weight_map");
        index.forEach(map::put);
        Files.writeString(partial.resolve("model.safetensors.index.json"), JSON.writeValueAsString(indexJson));
        Files.copy(towerDir.resolve("preprocessor_config.json"), partial.resolve("preprocessor_config.json"));
        Files.writeString(partial.resolve("config.json"), configJson(shape, JsonFiles.readObject(towerDir.resolve("config.json"))));
        Files.writeString(partial.resolve("tokenizer.json"), tokenizerJson(shape.specialBase()));
        RandomTower.deleteTree(dir);
        Files.move(partial, dir, StandardCopyOption.ATOMIC_MOVE);
        return dir;
    }

    private static void writeShard(Path dir, String file, List<TensorData> tensors, Map<String, String> index) throws IOException {
        SafeTensors.write(dir.resolve(file), tensors, Map.of("format", "pt"));
        tensors.forEach(t -> index.put(t.name(), file));
    }

    private static String configJson(Shape shape, com.fasterxml.jackson.databind.JsonNode visionConfig) throws IOException {
        DecoderConfig c = shape.decoder();
        ObjectNode root = JSON.createObjectNode();
        root.putArray("architectures").add("LlavaOnevisionForConditionalGeneration");
        root.put("model_type", "llava_onevision");
        root.put("image_token_index", shape.specialBase() + 3);
        root.put("video_token_index", shape.specialBase() + 4);
        root.put("projector_hidden_act", "gelu");
        root.put("vision_feature_layer", -1);
        root.put("vision_feature_select_strategy", "full");
        root.set("vision_config", visionConfig);
        ObjectNode t = root.putObject("text_config");
        t.put("model_type", "qwen2");
        t.put("hidden_size", c.hiddenSize());
        t.put("intermediate_size", c.intermediateSize());
        t.put("num_hidden_layers", c.layers());
        t.put("num_attention_heads", c.heads());
        t.put("num_key_value_heads", c.kvHeads());
        t.put("vocab_size", c.vocabSize());
        t.put("rope_theta", c.ropeTheta());
        t.put("rms_norm_eps", 1e-6);
        t.put("tie_word_embeddings", true);
        t.put("hidden_act", "silu");
        root.put("torch_dtype", "bfloat16");
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }

    /**
     * A byte-level BPE tokenizer without merges (every byte one token, GPT-2's byte-to-character map; unused entries up to
     * {@code base}) and the special tokens of Qwen2/OneVision from {@code base}: enough to encode the ChatML prompt, with
     * the special ids and tokenizer size of the real checkpoint.
     */
    static String tokenizerJson(int base) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        String[] special = {"<|endoftext|>", "<|im_start|>", "<|im_end|>", "<image>", "<video>"};
        for (int i = 0; i < special.length; i++) {
            added.addObject().put("id", base + i).put("content", special[i]).put("single_word", false).put("lstrip", false)
                    .put("rstrip", false).put("normalized", false).put("special", true);
        }
        root.putObject("normalizer").put("type", "NFC");
        ObjectNode byteLevel = JSON.createObjectNode().put("type", "ByteLevel").put("add_prefix_space", false)
                .put("trim_offsets", false).put("use_regex", true);
        root.set("pre_tokenizer", byteLevel);
        root.set("post_processor", byteLevel);
        root.set("decoder", byteLevel);
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.put("continuing_subword_prefix", "");
        model.put("end_of_word_suffix", "");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        ObjectNode vocab = model.putObject("vocab");
        int[] chars = byteChars();
        for (int b = 0; b < 256; b++) {
            vocab.put(new String(Character.toChars(chars[b])), b);
        }
        // The tokenizers library numbers added tokens right after the vocabulary, whatever ids the file gives them.
        for (int id = 256; id < base; id++) {
            vocab.put("<unused" + id + ">", id);
        }
        model.putArray("merges");
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }

    /** GPT-2's bytes_to_unicode: printable Latin-1 bytes stand for themselves, the others for 256 + their rank. */
    private static int[] byteChars() {
        int[] chars = new int[256];
        int next = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            chars[b] = printable ? b : 256 + next++;
        }
        return chars;
    }
}
