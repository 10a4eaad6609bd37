package io.glimpse.bench.run;

import io.glimpse.bench.fixture.ModelShapes;
import io.glimpse.bench.fixture.RandomCheckpoint;
import io.glimpse.bench.fixture.RandomMmproj;
import io.glimpse.image.RgbImage;
import io.glimpse.io.AtomicFiles;
import io.glimpse.io.DType;
import io.glimpse.io.GgufFile;
import io.glimpse.tensor.Gemm;
import io.glimpse.vision.EncodeOptions;
import io.glimpse.vision.GgufVision;
import io.glimpse.vision.ImageProcessor;
import io.glimpse.vision.VisionTower;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Vision tower throughput on towers of real sizes with random weights, against the GEMMs of the same forward run
 * directly through {@link Gemm#get()} in the same run (the floor the tower's non-GEMM work and data movement are
 * measured against), and the time saved by ToMe inside the encoder. The same tower is also written as a llama.cpp
 * mmproj file ({@link RandomMmproj}) and timed as Glimpse loads it from there; with a {@code llama-mtmd-cli} binary,
 * llama.cpp encodes the same image with the same file in the same run ({@link LlamaMtmd}), every block of the tower on
 * both sides (llama.cpp adds the small projector), and the speed ratio is printed against {@link #LLAMA_TARGET}.
 */
public final class EncodeBench {
    /** The tower should reach at least this fraction of its GEMMs' own speed. */
    public static final double TARGET = 0.7;
    /** Glimpse's encode should be at least this many times as fast as llama.cpp's on the same mmproj. */
    public static final double LLAMA_TARGET = 1.3;
    static final int[] TOME_R = {8, 16};

    /**
     * @param towers shapes to time, in order
     * @param repeat runs of each measurement
     * @param seed   of the random weights and image
     * @param cache  where the random checkpoints are kept between runs
     * @param llamaMtmd a {@code llama-mtmd-cli} binary to time on the same mmproj, or null
     */
    public record Options(List<ModelShapes.Tower> towers, int repeat, DType dtype, long seed, Path cache, Path llamaMtmd) {
    }

    private EncodeBench() {
    }

    /** Prints the summary to {@code out} and each run's times, as progress, to {@code err}. */
    public static void run(Options o, PrintWriter out, PrintWriter err) throws IOException, InterruptedException {
        out.printf(Locale.ROOT, "gemm: %s, %d threads%n", Gemm.get().describe(),
                Runtime.getRuntime().availableProcessors());
        for (ModelShapes.Tower shape : o.towers()) {
            bench(o, shape, out, err);
        }
    }

    private static void bench(Options o, ModelShapes.Tower shape, PrintWriter out, PrintWriter err)
            throws IOException, InterruptedException {
        out.printf(Locale.ROOT, "%s: preparing random %s checkpoint (seed %d)...%n", shape.name(),
                o.dtype().name().toLowerCase(Locale.ROOT), o.seed());
        out.flush();
        Path dir = RandomCheckpoint.tower(shape, o.cache(), o.dtype(), o.seed());
        VisionTower tower = VisionTower.load(dir);
        ImageProcessor processor = ImageProcessor.read(dir.resolve("preprocessor_config.json"));
        Path mmproj = RandomMmproj.mmproj(dir, o.seed());
        GgufFile gguf = GgufFile.read(mmproj);
        VisionTower fromGguf = VisionTower.load(gguf);
        ImageProcessor ggufProcessor = GgufVision.processor(gguf, fromGguf.config(), false);
        RgbImage image = randomImage(shape.image(), o.seed());
        EncodeOptions none = EncodeOptions.defaults().withLayer(-1);
        Map<String, Runnable> runs = new LinkedHashMap<>();
        runs.put("gemm", new LayerGemms(shape, o.seed()));
        runs.put("none", () -> tower.encode(image, processor, none));
        runs.put("gguf", () -> fromGguf.encode(image, ggufProcessor, none));
        for (int r : TOME_R) {
            EncodeOptions tome = none.withTome(r);
            runs.put("tome" + r, () -> tower.encode(image, processor, tome));
        }
        Path lm = null;
        Path ppm = null;
        if (o.llamaMtmd() != null) {
            lm = RandomMmproj.languageModel(o.cache(), o.seed());
            ppm = ppm(o.cache(), image, o.seed());
        }
        // The measurements take turns within each repeat, so a change in the machine's load falls on all of them.
        Map<String, Timing> best = new LinkedHashMap<>();
        double llama = Double.POSITIVE_INFINITY;
        String llamaFailure = null;
        for (int i = 0; i < o.repeat(); i++) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s run %d/%d:", shape.name(), i + 1, o.repeat()));
            for (Map.Entry<String, Runnable> e : runs.entrySet()) {
                Timing t = Timing.of(e.getValue());
                best.merge(e.getKey(), t, Timing::min);
                line.append(String.format(Locale.ROOT, " %s %.2f s (cpu %.2f s)", e.getKey(), t.wall(), t.cpu()));
            }
            if (lm != null && llamaFailure == null) {
                LlamaMtmd.Result r = LlamaMtmd.encode(o.llamaMtmd(), lm, mmproj, ppm, Runtime.getRuntime().availableProcessors());
                if (r.seconds().isPresent()) {
                    llama = Math.min(llama, r.seconds().getAsDouble());
                    line.append(String.format(Locale.ROOT, " llama.cpp %.2f s", r.seconds().getAsDouble()));
                } else {
                    llamaFailure = r.failure();
                }
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
                shape.mlp(), shape.activation(), gflop, o.repeat());
        out.printf(Locale.ROOT, "  encode, no merging         : %9.3f s (cpu %9.3f s)  %8.3f images/s  %8.1f GFLOP/s%n",
                encode.wall(), encode.cpu(), 1 / encode.wall(), gflop / encode.wall());
        Timing fromFile = best.get("gguf");
        out.printf(Locale.ROOT, "  encode, from the mmproj    : %9.3f s (cpu %9.3f s)  %8.3f images/s  %8.1f GFLOP/s%n",
                fromFile.wall(), fromFile.cpu(), 1 / fromFile.wall(), gflop / fromFile.wall());
        out.printf(Locale.ROOT, "  gemm floor (same GEMMs)    : %9.3f s (cpu %9.3f s)  %8s           %8.1f GFLOP/s%n",
                gemm.wall(), gemm.cpu(), "", gflop / gemm.wall());
        double ratio = gemm.wall() / encode.wall();
        out.printf(Locale.ROOT, "  ratio encode/gemm GFLOP/s  : %9.2f  (by cpu time %s; target >= %.2f: %s)%n", ratio,
                gemm.cpuRatio(encode), TARGET, ratio >= TARGET ? "met" : "not met");
        if (llamaFailure != null) {
            out.println("  llama.cpp mtmd encode      : " + llamaFailure);
        } else if (lm != null) {
            double speed = Math.min(llama / encode.wall(), llama / fromFile.wall());
            out.printf(Locale.ROOT, "  llama.cpp mtmd encode      : %9.3f s  Glimpse %.2fx its speed (from the mmproj %.2fx; "
                            + "goal >= %.2fx: %s)%n", llama, llama / encode.wall(), llama / fromFile.wall(), LLAMA_TARGET,
                    speed >= LLAMA_TARGET ? "met" : "not met");
        }
        for (int r : TOME_R) {
            Timing t = best.get("tome" + r);
            out.printf(Locale.ROOT, "  ToMe r=%-2d per layer        : %9.3f s (cpu %9.3f s)  %8.3f images/s  "
                    + "time ratio to none %.2f (by cpu time %s)%n", r, t.wall(), t.cpu(), 1 / t.wall(),
                    t.wall() / encode.wall(), t.cpuRatio(encode));
        }
        out.flush();
    }

    /** The bench's image as a binary PPM, which llama.cpp's stb_image reads, written once into the cache. */
    private static Path ppm(Path cache, RgbImage image, long seed) throws IOException {
        Path file = cache.resolve(String.format(Locale.ROOT, "encode-%dpx-seed%d.ppm", image.width(), seed));
        if (!Files.isRegularFile(file)) {
            byte[] header = String.format(Locale.ROOT, "P6\n%d %d\n255\n", image.width(), image.height())
                    .getBytes(StandardCharsets.US_ASCII);
            byte[] rgb = image.rgb();
            byte[] bytes = new byte[header.length + rgb.length];
            System.arraycopy(header, 0, bytes, 0, header.length);
            System.arraycopy(rgb, 0, bytes, header.length, rgb.length);
            AtomicFiles.writeBytes(file, bytes);
        }
        return file;
    }

    private static RgbImage randomImage(int size, long seed) {
        byte[] rgb = new byte[size * size * 3];
        new SplittableRandom(seed).nextBytes(rgb);
        return new RgbImage(size, size, rgb, 0);
    }
}
