package io.glimpse.bench.run;

import io.glimpse.bench.fixture.RandomGguf;
import io.glimpse.io.GgufFile;
import io.glimpse.lm.DecoderConfig;
import io.glimpse.lm.DecoderModel;
import io.glimpse.lm.KvCache;
import io.glimpse.tensor.Gemm;
import io.glimpse.tensor.Parallel;
import io.glimpse.tensor.WeightFormat;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * {@code glimpse bench decode}: random-weight decoders of real shapes, one GGUF file per stored format (kept in the
 * cache folder), timed as llama-bench times them: tg (tokens generated one at a time from an empty cache), tg at a
 * filled context, and pp (one prefill of many tokens). Each decode rate stands beside its memory floor, the bytes one
 * token reads (every weight matrix once, plus the cached keys and values) over the read bandwidth measured in the same
 * run, and the fraction of it reached. With llama-bench, llama.cpp runs on the same file once after each of Glimpse's
 * rounds ({@link LlamaBench}), so both meet the machine as it is at the time. Peak resident memory (VmHWM) is read
 * after each model. With a batch of N, a line more gives the aggregate rate of N sequences decoded together
 * ({@link DecoderModel#stepAll}) beside one's tg.
 */
public final class DecodeBench {
    private DecodeBench() {
    }

    /** A decoder shape by name. */
    public record Shape(String name, DecoderConfig config) {
    }

    public static final Shape QWEN2_0_5B = new Shape("qwen2-0.5b", new DecoderConfig("qwen2", 151936, 896, 4864, 24, 14, 2, 64,
            1e-6f, 1e6, null, true, true, false, false, 32768));
    /** LLaVA-1.5-7B's decoder (Vicuna-7B, Llama-2 shape, its vocabulary of 32064). */
    public static final Shape LLAMA_7B = new Shape("llama-7b", new DecoderConfig("llama", 32064, 4096, 11008, 32, 32, 32, 128,
            1e-5f, 1e4, null, false, false, false, false, 4096));
    /** A few-layer Llama to check the command. */
    public static final Shape TINY = new Shape("tiny", new DecoderConfig("llama", 512, 64, 128, 2, 4, 2, 16, 1e-5f, 1e4, null,
            false, false, false, false, 2048));
    public static final List<Shape> SHAPES = List.of(QWEN2_0_5B, LLAMA_7B, TINY);

    /**
     * @param batch sequences decoded together in the batch measurement ({@link DecoderModel#stepAll}); 1 skips it
     */
    public record Options(List<Shape> shapes, List<WeightFormat> formats, int tg, int pp, int context, int threads,
                          int repeat, Path cache, Path llamaBench, int batch) {
    }

    public static void run(Options o, PrintWriter out) throws Exception {
        Parallel pool = Parallel.of(o.threads());
        Bandwidth bw = pool.run(Bandwidth::measure);
        out.printf(Locale.ROOT, "threads %d, read bandwidth %.2f GB/s at the start (measured again before each model; "
                + "the best so far sets the floor); prefill gemm: %s%n", o.threads(), bw.read() / 1e9, Gemm.get().describe());
        out.printf(Locale.ROOT, "%-11s %-5s %9s %8s | %9s %6s %6s | %9s %6s %6s | %9s | %8s%n", "model", "type", "weights",
                "load s", "tg" + o.tg(), "floor", "frac", "tg@" + o.context(), "floor", "frac", "pp" + o.pp(), "VmHWM");
        Files.createDirectories(o.cache());
        for (Shape s : o.shapes()) {
            for (WeightFormat f : o.formats()) {
                Path file = o.cache().resolve("decode-" + s.name() + "-" + f.cliName() + ".gguf");
                if (!Files.isRegularFile(file)) {
                    RandomGguf.write(file, s.config(), f, 7, RandomGguf.countOnlyVocabulary(s.config()));
                }
                bw = bw.max(pool.run(Bandwidth::measure));
                double read = bw.read();
                LlamaRounds llama = new LlamaRounds(o, file, out);
                Row r = pool.run(() -> measure(file, o, read, llama));
                // The model's mapping is released when its segments are collected; without this every earlier
                // model would stay resident in the peak of the next.
                System.gc();
                out.printf(Locale.ROOT, "%-11s %-5s %7.2f GB %8.1f | %9.2f %6.2f %6.2f | %9.2f %6.2f %6.2f | %9.2f | %5.2f GB%n",
                        s.name(), f.cliName(), r.weightBytes / 1e9, r.loadSeconds, r.tg, r.tgFloor, r.tg / r.tgFloor,
                        r.tgCtx, r.ctxFloor, r.tgCtx / r.ctxFloor, r.pp, vmHwm() / 1e9);
                if (o.batch() > 1) {
                    out.printf(Locale.ROOT, "%-11s %-5s batch of %d: %9.2f tok/s aggregate, %.2f× one sequence's tg%d%n",
                            s.name(), f.cliName(), o.batch(), r.batchTg, r.batchTg / r.tg, o.tg());
                }
                out.flush();
                if (llama.runs > 0) {
                    LlamaBench.print(llama.best, llama.runs, o, r.tg, r.tgCtx, r.pp, out);
                }
            }
        }
        out.println("tok/s; floor = read bandwidth / bytes per token (weights + cached K/V); frac = measured / floor");
    }

    /** @param batchTg aggregate tokens per second of the batch measurement, 0 when skipped */
    record Row(long weightBytes, double loadSeconds, double tg, double tgFloor, double tgCtx, double ctxFloor, double pp,
               double batchTg) {
    }

    /** llama-bench's runs on the file so far, one after each of Glimpse's rounds; none without {@code --llama-bench}. */
    private static final class LlamaRounds {
        private final Options o;
        private final Path file;
        private final PrintWriter out;
        LlamaBench.Rates best = LlamaBench.Rates.NONE;
        int runs;
        private boolean failed;

        LlamaRounds(Options o, Path file, PrintWriter out) {
            this.o = o;
            this.file = file;
            this.out = out;
        }

        void round() throws IOException, InterruptedException {
            if (o.llamaBench() == null || failed) {
                return;
            }
            LlamaBench.Rates r = LlamaBench.once(o.llamaBench(), file, o, out);
            if (r == null) {
                failed = true;
                return;
            }
            best = best.max(r);
            runs++;
        }
    }

    private static Row measure(Path file, Options o, double bandwidth, LlamaRounds llama) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        DecoderModel m = DecoderModel.load(GgufFile.read(file), null);
        double load = (System.nanoTime() - t0) / 1e9;
        DecoderConfig c = m.config();
        SplittableRandom random = new SplittableRandom(1);
        double tg = 0;
        double pp = 0;
        double tgCtx = 0;
        double batchTg = 0;
        for (int rep = 0; rep < o.repeat(); rep++) {
            tg = Math.max(tg, generate(m, new int[] {1}, o.tg(), random));
            if (o.batch() > 1) {
                batchTg = Math.max(batchTg, generateTogether(m, o.batch(), o.tg(), random));
            }
            int[] prompt = random.ints(o.pp(), 0, c.vocabSize()).toArray();
            KvCache cache = m.newCache(o.pp());
            long p0 = System.nanoTime();
            m.forward(cache, m.embed(prompt), range(o.pp()), 1);
            pp = Math.max(pp, o.pp() / ((System.nanoTime() - p0) / 1e9));
            tgCtx = Math.max(tgCtx, generate(m, random.ints(o.context(), 0, c.vocabSize()).toArray(), Math.max(8, o.tg() / 2), random));
            llama.round();
        }
        long kvPerToken = 2L * c.layers() * c.kvHeads() * c.headDim() * 4;
        return new Row(m.weightBytes(), load, tg, bandwidth / m.weightBytes(), tgCtx,
                bandwidth / (m.weightBytes() + kvPerToken * o.context()), pp, batchTg);
    }

    /** Tokens per second generating {@code steps} greedy tokens one at a time after a prefill of {@code prompt}. */
    private static double generate(DecoderModel m, int[] prompt, int steps, SplittableRandom random) {
        KvCache cache = m.newCache(prompt.length + steps);
        float[] logits = m.forward(cache, m.embed(prompt), range(prompt.length), 1);
        long t0 = System.nanoTime();
        for (int i = 0; i < steps; i++) {
            int next = argmax(logits);
            logits = m.forward(cache, m.embed(new int[] {next}), new int[] {cache.nextPosition()}, 1);
        }
        return steps / ((System.nanoTime() - t0) / 1e9);
    }

    /**
     * Aggregate tokens per second of {@code sequences} greedy sequences decoded together for {@code steps} steps, one
     * {@link DecoderModel#stepAll} per step, each after its own one-token prompt (different tokens, so the rows differ).
     */
    private static double generateTogether(DecoderModel m, int sequences, int steps, SplittableRandom random) {
        List<KvCache> caches = new java.util.ArrayList<>();
        int[] next = new int[sequences];
        for (int i = 0; i < sequences; i++) {
            KvCache cache = m.newCache(1 + steps);
            next[i] = argmax(m.forward(cache, m.embed(new int[] {random.nextInt(m.config().vocabSize())}), range(1), 1));
            caches.add(cache);
        }
        long t0 = System.nanoTime();
        for (int s = 0; s < steps; s++) {
            float[][] logits = m.stepAll(caches, next);
            for (int i = 0; i < sequences; i++) {
                next[i] = argmax(logits[i]);
            }
        }
        return (double) sequences * steps / ((System.nanoTime() - t0) / 1e9);
    }

    private static int argmax(float[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) {
            if (x[i] > x[best]) {
                best = i;
            }
        }
        return best;
    }

    private static int[] range(int n) {
        int[] r = new int[n];
        java.util.Arrays.setAll(r, i -> i);
        return r;
    }

    /** Peak resident set of this process in bytes (VmHWM of /proc/self/status), or 0 where there is none. */
    static long vmHwm() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }
}
