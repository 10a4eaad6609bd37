package io.glimpse.bench.run;

import io.glimpse.bench.fixture.ModelShapes;
import io.glimpse.bench.fixture.RandomCheckpoint;
import io.glimpse.image.RgbImage;
import io.glimpse.llava.Ask;
import io.glimpse.llava.LlavaModel;
import io.glimpse.lm.prune.LayerPruners;
import io.glimpse.lm.prune.PrunerFactory;
import io.glimpse.media.SyntheticVideo;
import io.glimpse.reduce.Pipeline;
import io.glimpse.tensor.Gemm;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code glimpse ask} end to end on a LLaVA-OneVision-0.5B-shaped model with random weights written at bench time:
 * time to first token and decode speed without reduction against reduction pipelines and in-LLM FastV, in one run,
 * and decode speed against the memory-bandwidth floor (f32 weights read once per token ÷ a memory read bandwidth
 * measured in the same run). Also times the decoder's matrix-vector products (see {@link DecodeProducts}).
 */
public final class AskBench {
    static final String PROMPT = "Describe what happens in this video, scene by scene.";
    /** Matryoshka's scale with 36 tokens per 27×27 frame grid. */
    static final int M3_KERNEL = 4;
    /** The full tower has 26 layers (OneVision drops SigLIP's last); this many keep a 32-frame run to minutes on 2 cores. */
    public static final int DEFAULT_VISION_LAYERS = 4;

    /**
     * @param shape  the model, with its decoder and tower depths
     * @param frames synthetic video frames
     * @param tokens tokens to decode, at least 2
     * @param repeat runs of each entry; entries take turns within each
     * @param keep   budget of the token-count pipelines as a fraction of the unreduced decoder rows, in (0, 1)
     * @param cache  where the random checkpoint is kept between runs
     */
    public record Options(ModelShapes.OneVision shape, boolean tiny, int frames, int tokens, int repeat, double keep,
                          long seed, Path cache) {
    }

    /** One configuration of the table: a reduction before the decoder, pruning inside it, or neither. */
    record Entry(String label, Pipeline pipeline, PrunerFactory pruning) {
    }

    /** Best timings of one entry over the repeats, with the counts of its last run. */
    record Row(String label, int rows, int unreducedRows, int lastLayerRows, double encode, double reduce, double prefill, double ttft,
               double decodeRate, int generated) {
        /** The best of each time and rate of the two runs. */
        Row best(Row o) {
            return o == null ? this : new Row(label, rows, unreducedRows, lastLayerRows, Math.min(encode, o.encode), Math.min(reduce, o.reduce),
                    Math.min(prefill, o.prefill), Math.min(ttft, o.ttft), Math.max(decodeRate, o.decodeRate), generated);
        }
    }

    private AskBench() {
    }

    /** The default shape of the bench: OneVision-0.5B or its tiny variant, at the depths asked or the defaults. */
    public static ModelShapes.OneVision shape(boolean tiny, Integer decoderLayers, Integer visionLayers) {
        ModelShapes.OneVision base = tiny ? ModelShapes.ONEVISION_TINY : ModelShapes.ONEVISION_0_5B;
        return base.withLayers(decoderLayers != null ? decoderLayers : base.decoder().layers(),
                visionLayers != null ? visionLayers : tiny ? base.tower().layers() : DEFAULT_VISION_LAYERS);
    }

    /** Only the memory bandwidths and the decoder's matrix-vector products; writes nothing. */
    public static void products(ModelShapes.OneVision shape, PrintWriter out) {
        Bandwidth bandwidth = Bandwidth.measure();
        DecodeProducts.printBandwidth(out, bandwidth, DecodeProducts.weightBytes(shape.decoder()));
        DecodeProducts.print(out, shape.decoder(), bandwidth.read());
        out.flush();
    }

    /** The whole table; each run's times go to {@code err} as progress. */
    public static void run(Options o, PrintWriter out, PrintWriter err) throws IOException {
        ModelShapes.OneVision shape = o.shape();
        ModelShapes.OneVision base = o.tiny() ? ModelShapes.ONEVISION_TINY : ModelShapes.ONEVISION_0_5B;
        err.printf(Locale.ROOT, "preparing the random checkpoint (seed %d) under %s...%n", o.seed(), o.cache());
        err.flush();
        Path dir = RandomCheckpoint.oneVision(shape, o.cache(), o.seed());
        List<RgbImage> video = frames(o.frames(), o.tiny() ? 160 : 640, o.tiny() ? 90 : 360);
        int towerLayers = shape.tower().layers();
        try (LlavaModel llava = LlavaModel.load(dir)) {
            out.printf(Locale.ROOT, "model: %s shape, random weights; vision tower SigLIP %s: %d of %d layers%s; decoder Qwen2 "
                            + "hidden %d, %d layers, %d heads, %d kv heads, mlp %d, vocab %d, tied embeddings%n", shape.name(),
                    o.tiny() ? "tiny" : "so400m/384", towerLayers, base.tower().layers(),
                    towerLayers < base.tower().layers() ? " (shallower than the checkpoint, so encode times are lower)" : "",
                    shape.decoder().hiddenSize(), shape.decoder().layers(), shape.decoder().heads(), shape.decoder().kvHeads(),
                    shape.decoder().intermediateSize(), shape.decoder().vocabSize());
            out.printf(Locale.ROOT, "input: %d synthetic frames, %d visual tokens from the tower, prompt \"%s\", greedy, "
                            + "%d decoded tokens; gemm %s, %d threads; best of %d, pipelines taken in turn%n", o.frames(),
                    o.frames() * shape.tower().grid() * shape.tower().grid(), PROMPT, o.tokens(),
                    Gemm.get().describe(), Runtime.getRuntime().availableProcessors(), o.repeat());
            out.flush();
            // Measured before and after the table (the better of each counts), as other work on the machine comes and goes.
            Bandwidth before = Bandwidth.measure();
            Ask.run(llava, request(video.subList(0, 1), new Entry("warm-up", null, null), 2), s -> { });
            List<Entry> entries = entries(o);
            Row[] best = new Row[entries.size()];
            for (int i = 0; i < o.repeat(); i++) {
                for (int e = 0; e < best.length; e++) {
                    Row r = measure(llava, video, entries.get(e), o.tokens());
                    err.printf(Locale.ROOT, "%s run %d/%d: time to first token %.3f s, decode %.3f tokens/s (%d tokens)%n",
                            r.label(), i + 1, o.repeat(), r.ttft(), r.decodeRate(), r.generated());
                    err.flush();
                    best[e] = r.best(best[e]);
                }
            }
            Bandwidth bandwidth = before.max(Bandwidth.measure());
            double floor = DecodeProducts.printBandwidth(out, bandwidth, DecodeProducts.weightBytes(shape.decoder()));
            printTable(out, List.of(best), floor);
            DecodeProducts.print(out, shape.decoder(), bandwidth.read());
        }
        out.flush();
    }

    /** The pipelines compared, with budgets a fraction {@code keep} of the unreduced decoder rows. */
    private static List<Entry> entries(Options o) {
        ModelShapes.OneVision shape = o.shape();
        int budget = (int) Math.max(1, Math.round(o.keep() * o.frames() * shape.pooledPerFrame()));
        // evs prunes the pooled rows, so its rate is the share of them to drop.
        double evsRate = 1 - (double) budget / (o.frames() * shape.pooledPerFrame());
        int attentionLayer = Math.max(1, shape.tower().layers() - 1);
        List<Entry> entries = new ArrayList<>();
        entries.add(new Entry("none", null, null));
        for (String reduce : List.of("tome:k=" + budget,
                "visionzip:k=" + budget + ",score=received,layer=" + attentionLayer,
                String.format(Locale.ROOT, "evs:rate=%.4f", evsRate),
                "matryoshka:kernel=" + M3_KERNEL)) {
            entries.add(new Entry(reduce, Pipeline.of(reduce), null));
        }
        entries.add(new Entry("llm fastv (K=2, keep 1/2)", null, LayerPruners.method("fastv")));
        return entries;
    }

    /** Greedy, re-compacted positions. */
    private static Ask.Request request(List<RgbImage> video, Entry e, int maxTokens) {
        Ask.Request.Builder b = Ask.Request.video(video, PROMPT).maxTokens(maxTokens);
        if (e.pipeline() != null) {
            b.reduce(e.pipeline());
        }
        if (e.pruning() != null) {
            b.llmPruning(e.pruning());
        }
        return b.build();
    }

    private static Row measure(LlavaModel llava, List<RgbImage> video, Entry e, int tokens) {
        Ask.Stats s = Ask.run(llava, request(video, e, tokens), text -> { }).stats();
        return new Row(e.label(), s.visualRows(), s.unreducedRows(), s.visualRowsAtLastLayer(), s.encodeNanos() / 1e9, s.reduceNanos() / 1e9,
                s.prefillNanos() / 1e9, s.firstTokenNanos() / 1e9, s.decodeTokensPerSecond(), s.generated());
    }

    static void printTable(PrintWriter out, List<Row> rows, double floor) {
        Row none = rows.get(0);
        out.printf(Locale.ROOT, "%-44s %8s %9s %8s %9s %9s %9s %10s %7s %12s %7s %8s%n", "pipeline", "LLM rows", "unreduced", "at last",
                "encode s", "reduce s", "prefill s", "TTFT ms", "x none", "decode tok/s", "x none", "of floor");
        for (Row r : rows) {
            out.printf(Locale.ROOT, "%-44s %8d %9d %8d %9.3f %9.3f %9.3f %10.2f %7.3f %12.3f %7.3f %8.3f%n", r.label(), r.rows(), r.unreducedRows(),
                    r.lastLayerRows(), r.encode(), r.reduce(), r.prefill(), r.ttft() * 1e3, r.ttft() / none.ttft(),
                    r.decodeRate(), r.decodeRate() / none.decodeRate(), r.decodeRate() / floor);
        }
        out.flush();
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
}
