package io.glimpse.cli;

import io.glimpse.image.RgbImage;
import io.glimpse.io.DType;
import io.glimpse.tensor.Gemm;
import io.glimpse.vision.EncodeOptions;
import io.glimpse.vision.ImageProcessor;
import io.glimpse.vision.VisionTower;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/**
 * Vision tower throughput on CLIP-L/14-336- and SigLIP-so400m/384-sized towers with random weights, against the
 * GEMMs of the same forward run directly through {@link Gemm#get()} in the same run (the floor the tower's
 * non-GEMM work and data movement are measured against), and the time saved by ToMe inside the encoder.
 */
@Command(name = "encode", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Time vision towers of real sizes (random weights) against their GEMMs run directly, and with in-encoder ToMe.")
final class BenchEncodeCommand implements Callable<Integer> {
    /** Target of the issue: the tower reaches at least this fraction of its GEMMs' own speed. */
    static final double TARGET = 0.7;
    static final int[] TOME_R = {8, 16};

    private static final Map<String, RandomTower> FULL = Map.of(
            "clip", new RandomTower("clip-vit-large-patch14-336", true, 1024, 24, 16, 4096, 336, 14, "quick_gelu"),
            "siglip", new RandomTower("siglip-so400m-patch14-384-26l", false, 1152, 26, 16, 4304, 384, 14, "gelu_pytorch_tanh"));
    private static final Map<String, RandomTower> TINY = Map.of(
            "clip", new RandomTower("clip-tiny", true, 64, 2, 4, 128, 112, 14, "quick_gelu"),
            "siglip", new RandomTower("siglip-tiny", false, 72, 2, 4, 144, 112, 14, "gelu_pytorch_tanh"));

    @Option(names = "--models", split = ",", defaultValue = "clip,siglip", paramLabel = "NAME",
            description = "Towers to time: clip, siglip (default: ${DEFAULT-VALUE}).")
    List<String> models;

    @Option(names = "--repeat", defaultValue = "2", description = "Runs of each measurement; the best counts (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--dtype", defaultValue = "bf16", description = "Checkpoint dtype, bf16 or f32 (default: ${DEFAULT-VALUE}).")
    String dtype;

    @Option(names = "--seed", defaultValue = "7", description = "Seed of the random weights and image (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--tiny", description = "Tiny towers (hidden 64-72, 2 layers, 112 px) instead of the real sizes, to check the command.")
    boolean tiny;

    @Option(names = "--cache", defaultValue = "${sys:java.io.tmpdir}/glimpse-bench",
            description = "Where the random checkpoints are kept between runs (default: ${DEFAULT-VALUE}).")
    Path cache;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Map<String, RandomTower> shapes = tiny ? TINY : FULL;
        for (String m : models) {
            if (!shapes.containsKey(m)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "unknown model '" + m + "' (known: clip, siglip)");
            }
        }
        if (repeat < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--repeat must be ≥ 1");
        }
        DType type = switch (dtype) {
            case "bf16" -> DType.BF16;
            case "f32" -> DType.F32;
            default -> throw new CommandLine.ParameterException(spec.commandLine(), "--dtype must be bf16 or f32, got '" + dtype + "'");
        };
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "gemm: %s, %d threads%n", Gemm.get().getClass().getSimpleName(),
                Runtime.getRuntime().availableProcessors());
        for (String m : models) {
            bench(out, shapes.get(m), type);
        }
        return GlimpseCli.OK;
    }

    private void bench(PrintWriter out, RandomTower shape, DType type) throws Exception {
        out.printf(Locale.ROOT, "%s: preparing random %s checkpoint (seed %d)...%n", shape.name(), dtype, seed);
        out.flush();
        Path dir = shape.materialize(cache, type, seed);
        VisionTower tower = VisionTower.load(dir);
        ImageProcessor processor = ImageProcessor.read(dir.resolve("preprocessor_config.json"));
        RgbImage image = randomImage(shape.image(), seed);
        EncodeOptions none = EncodeOptions.defaults().withLayer(-1);
        LayerGemms floor = new LayerGemms(shape, seed);
        Map<String, Runnable> runs = new LinkedHashMap<>();
        runs.put("gemm", floor::run);
        runs.put("none", () -> tower.encode(image, processor, none));
        for (int r : TOME_R) {
            EncodeOptions tome = none.withTome(r);
            runs.put("tome" + r, () -> tower.encode(image, processor, tome));
        }
        Map<String, Timing> best = new LinkedHashMap<>();
        PrintWriter err = spec.commandLine().getErr();
        for (int i = 0; i < repeat; i++) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s run %d/%d:", shape.name(), i + 1, repeat));
            for (Map.Entry<String, Runnable> e : runs.entrySet()) {
                Timing t = Timing.of(e.getValue());
                best.merge(e.getKey(), t, Timing::min);
                line.append(String.format(Locale.ROOT, " %s %.2f s (cpu %.2f s)", e.getKey(), t.wall(), t.cpu()));
            }
            // Progress of a long run goes to stderr so the summary on stdout stays parseable.
            err.println(line);
            err.flush();
        }
        double gflop = shape.flops() / 1e9;
        Timing encode = best.get("none");
        Timing gemm = best.get("gemm");
        out.printf(Locale.ROOT, "%s: %d tokens, hidden %d, %d layers, %d heads, mlp %d, %s; %.1f GFLOP per image; "
                        + "best of %d%n", shape.name(), shape.tokens(), shape.hidden(), shape.layers(), shape.heads(),
                shape.mlp(), shape.activation(), gflop, repeat);
        out.printf(Locale.ROOT, "  encode, no merging         : %9.3f s (cpu %9.3f s)  %8.3f images/s  %8.1f GFLOP/s%n",
                encode.wall(), encode.cpu(), 1 / encode.wall(), gflop / encode.wall());
        out.printf(Locale.ROOT, "  gemm floor (same GEMMs)    : %9.3f s (cpu %9.3f s)  %8s           %8.1f GFLOP/s%n",
                gemm.wall(), gemm.cpu(), "", gflop / gemm.wall());
        double ratio = gemm.wall() / encode.wall();
        out.printf(Locale.ROOT, "  ratio encode/gemm GFLOP/s  : %9.2f  (by cpu time %s; target >= %.2f: %s)%n", ratio,
                cpuRatio(gemm.cpu(), encode.cpu()), TARGET, ratio >= TARGET ? "met" : "not met");
        for (int r : TOME_R) {
            Timing t = best.get("tome" + r);
            out.printf(Locale.ROOT, "  ToMe r=%-2d per layer        : %9.3f s (cpu %9.3f s)  %8.3f images/s  "
                    + "time ratio to none %.2f (by cpu time %s)%n", r, t.wall(), t.cpu(), 1 / t.wall(),
                    t.wall() / encode.wall(), cpuRatio(t.cpu(), encode.cpu()));
        }
        out.flush();
    }

    /**
     * Wall-clock and whole-process CPU seconds of one run. On a machine shared with other work the wall time swings
     * with their load; the CPU time this process spent shows the work itself (NaN where the JVM does not report it).
     */
    record Timing(double wall, double cpu) {
        static Timing of(Runnable run) {
            long c0 = processCpuNanos();
            long t0 = System.nanoTime();
            run.run();
            long t1 = System.nanoTime();
            long c1 = processCpuNanos();
            return new Timing((t1 - t0) / 1e9, c0 < 0 ? Double.NaN : (c1 - c0) / 1e9);
        }

        /** The smaller of each time; a run's best wall and best CPU time may come from different repeats. */
        Timing min(Timing o) {
            return new Timing(Math.min(wall, o.wall), Double.isNaN(cpu) ? o.cpu : Math.min(cpu, o.cpu));
        }

        private static long processCpuNanos() {
            return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                    ? os.getProcessCpuTime() : -1;
        }
    }

    private static RgbImage randomImage(int size, long seed) {
        byte[] rgb = new byte[size * size * 3];
        new SplittableRandom(seed).nextBytes(rgb);
        return new RgbImage(size, size, rgb, 0);
    }

    /**
     * The matrix products of one forward of a tower of this shape, with the same sizes and in the same order, on
     * operands of one layer reused for every layer (outputs go to
     * scratch so the inputs keep their scale): the patch GEMM, then per layer the fused q/k/v projection, QKᵀ
     * and AV of every head, the output projection and both MLP matrices. Their FLOPs are {@link RandomTower#flops()}.
     * Weights are prepared for the backend once, as the tower's are, so both sides pay the same for them.
     */
    private static final class LayerGemms {
        private final Gemm gemm = Gemm.get();
        private final int n;
        private final int t;
        private final int dh;
        private final int heads;
        private final int layers;
        private final float[] patches;
        private final Gemm.Prepared patchW;
        private final float[] x;
        private final float[] y;
        private final Gemm.Prepared qkvW;
        private final float[] qkv;
        private final float[] q;
        private final float[] k;
        private final float[] probs;
        private final float[] o;
        private final Gemm.Prepared outW;
        private final Gemm.Prepared fc1W;
        private final float[] mid;
        private final Gemm.Prepared fc2W;

        LayerGemms(RandomTower s, long seed) {
            SplittableRandom rnd = new SplittableRandom(seed);
            int g = s.image() / s.patch();
            n = g * g;
            t = s.tokens();
            int d = s.hidden();
            heads = s.heads();
            dh = d / heads;
            int mlp = s.mlp();
            int kdim = 3 * s.patch() * s.patch();
            layers = s.layers();
            patches = random(rnd, n * kdim);
            patchW = gemm.prepareTransposed(d, kdim, random(rnd, d * kdim), 0);
            x = random(rnd, t * d);
            y = new float[t * d];
            qkvW = gemm.prepareTransposed(3 * d, d, random(rnd, 3 * d * d), 0);
            qkv = new float[t * 3 * d];
            q = random(rnd, t * dh);
            k = random(rnd, t * dh);
            probs = new float[t * t];
            o = new float[t * dh];
            outW = gemm.prepareTransposed(d, d, random(rnd, d * d), 0);
            fc1W = gemm.prepareTransposed(mlp, d, random(rnd, mlp * d), 0);
            mid = new float[t * mlp];
            fc2W = gemm.prepareTransposed(d, mlp, random(rnd, d * mlp), 0);
        }

        void run() {
            gemm.multiplyTransposed(n, patches, 0, patchW, y, 0);
            for (int l = 0; l < layers; l++) {
                gemm.multiplyTransposed(t, x, 0, qkvW, qkv, 0);
                for (int h = 0; h < heads; h++) {
                    gemm.multiplyTransposed(t, t, dh, q, 0, k, 0, probs, 0);
                    gemm.multiply(t, dh, t, probs, 0, k, 0, o, 0);
                }
                gemm.multiplyTransposed(t, x, 0, outW, qkv, 0);
                gemm.multiplyTransposed(t, x, 0, fc1W, mid, 0);
                gemm.multiplyTransposed(t, mid, 0, fc2W, y, 0);
            }
        }

        private static float[] random(SplittableRandom rnd, int count) {
            float[] a = new float[count];
            for (int i = 0; i < count; i++) {
                a[i] = (float) (rnd.nextDouble() - 0.5);
            }
            return a;
        }
    }

    /** Process CPU time ticks coarsely (about 10 ms): a run too short to register says so instead of printing NaN. */
    private static String cpuRatio(double numerator, double denominator) {
        return denominator > 0 ? String.format(Locale.ROOT, "%.2f", numerator / denominator) : "n/a";
    }
}
