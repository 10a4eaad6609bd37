package io.glimpse.bench.run;

import io.glimpse.bench.fixture.ModelShapes;
import io.glimpse.bench.fixture.RandomCheckpoint;
import io.glimpse.llava.LlavaModel;
import io.glimpse.lm.AdjacencyTable;
import io.glimpse.lm.DecoderModel;
import io.glimpse.lm.DraftTree;
import io.glimpse.lm.Generation;
import io.glimpse.lm.KvCache;
import io.glimpse.lm.Sampler;
import io.glimpse.lm.TokenRecycling;
import io.glimpse.tensor.Gemm;
import io.glimpse.tensor.WeightFormat;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Greedy decode speed of Token Recycling ({@link TokenRecycling}) against plain one-token decoding, on the same
 * prompts in the same run, on text where drafts from recent predictions should be accepted (a list to repeat, a
 * passage to edit, code) and on free generation, with the decoder of the random-weight LLaVA-OneVision-0.5B-shaped
 * checkpoint of {@code bench ask}, once per weight format asked for (converted on load, as {@code ask --weights} does)
 * and draft tree (the reference's 80 nodes cost a CPU about 20 decode steps per verification, the compact tree about
 * two; docs/runtime.md). Every prompt starts a fresh adjacency table, so nothing is learned from an earlier
 * run of the same prompt; the prefill is outside the timings, which are the best of the repeats. Random weights
 * predict nothing a text asks for, so the accepted tokens per forward show how often their own greedy loops repeat,
 * not what a trained model accepts.
 */
public final class SpeculateBench {
    /** A prompt of the table and whether its continuation should repeat what the prompt holds. */
    record Prompt(String label, boolean repetitive, String text) {
    }

    static final List<Prompt> PROMPTS = List.of(
            new Prompt("repeat a list", true, "Repeat this list exactly: apples, pears, plums, cherries, apples, pears, plums, "
                    + "cherries, apples, pears, plums, cherries, apples, pears,"),
            new Prompt("edit a passage", true, "Fix the spelling and repeat the passage: The quik brown fox jumps over the lazy "
                    + "dog. The quik brown fox jumps over the lazy dog. The quick brown fox"),
            new Prompt("code", true, "def add(a, b):\n    return a + b\n\ndef sub(a, b):\n    return a - b\n\ndef mul(a, b):\n"),
            new Prompt("free generation", false, "Write a short story about a lighthouse keeper who finds a message in a bottle."));

    /**
     * @param trees  draft trees, one table each: {@code reference} (the paper's 80 nodes), {@code compact}
     *               ({@link DraftTree#compact}) or a template file
     * @param tokens tokens to decode per prompt, at least 2
     * @param repeat runs of each prompt and method; the best counts
     * @param formats the decoder's weight formats to time, one table each (null: as the checkpoint stores them)
     */
    public record Options(ModelShapes.OneVision shape, List<String> trees, int tokens, int repeat, long seed, Path cache,
                          List<WeightFormat> formats) {
    }

    /** One prompt's best timings of both methods and the speculative run's counts. */
    record Row(Prompt prompt, int generated, double plainSeconds, double recyclingSeconds, int forwards, boolean identical) {
        double plainRate() {
            return generated / plainSeconds;
        }

        double recyclingRate() {
            return generated / recyclingSeconds;
        }

        /** Tokens after the first (which comes from the prefill) per verification forward. */
        double acceptedPerForward() {
            return (double) (generated - 1) / forwards;
        }
    }

    private SpeculateBench() {
    }

    /** The table; each run's times go to {@code err} as progress. */
    public static void run(Options o, PrintWriter out, PrintWriter err) throws IOException {
        List<DraftTree> trees = new ArrayList<>();
        for (String t : o.trees()) {
            trees.add(switch (t) {
                case "reference" -> DraftTree.recycling();
                case "compact" -> DraftTree.compact();
                default -> DraftTree.parse(Files.readAllLines(Path.of(t)), t);
            });
        }
        err.printf(Locale.ROOT, "preparing the random checkpoint (seed %d) under %s...%n", o.seed(), o.cache());
        err.flush();
        Path dir = RandomCheckpoint.oneVision(o.shape(), o.cache(), o.seed());
        for (WeightFormat format : o.formats()) {
            try (LlavaModel llava = LlavaModel.load(dir, format)) {
                for (int t = 0; t < trees.size(); t++) {
                    table(llava, trees.get(t), o.trees().get(t), format, o, out, err);
                }
            }
        }
        out.flush();
    }

    /** One table: every prompt decoded plainly and by recycling with {@code tree}. */
    private static void table(LlavaModel llava, DraftTree tree, String treeName, WeightFormat format, Options o, PrintWriter out,
                              PrintWriter err) {
        DecoderModel m = llava.decoder();
        out.printf(Locale.ROOT, "model: decoder of %s, random weights in %s: Qwen2 hidden %d, %d layers, vocab %d; draft tree %s "
                        + "of %d nodes; greedy, %d tokens per prompt, fresh table per prompt; gemm %s, %d threads; best of %d%n",
                o.shape().name(), format == null ? "their stored format" : format.cliName(), m.config().hiddenSize(),
                m.config().layers(), m.config().vocabSize(), treeName, tree.size() - 1, o.tokens(),
                Gemm.get().describe(), Runtime.getRuntime().availableProcessors(), o.repeat());
        out.flush();
        List<Row> rows = new ArrayList<>();
        for (Prompt p : PROMPTS) {
            int[] ids = llava.tokenizer().encode(p.text(), false);
            rows.add(measure(m, tree, ids, p, o, llava.tokenizer().size(), err));
        }
        printTable(out, rows);
    }

    private static Row measure(DecoderModel m, DraftTree tree, int[] ids, Prompt p, Options o, int vocab, PrintWriter err) {
        double plainBest = Double.POSITIVE_INFINITY;
        double recyclingBest = Double.POSITIVE_INFINITY;
        int[] plainTokens = null;
        TokenRecycling.Result spec = null;
        for (int i = 0; i < o.repeat(); i++) {
            Prefilled plain = prefill(m, ids, o.tokens(), 0);
            Generation[] g = new Generation[1];
            Timing tp = Timing.of(() -> g[0] = Generation.run(m, plain.cache, plain.logits, o.tokens(), Sampler.greedy(), vocab,
                    new int[0], t -> { }));
            plainTokens = g[0].tokens();
            TokenRecycling recycling = new TokenRecycling(tree, new AdjacencyTable(m.config().vocabSize(), 8));
            Prefilled fast = prefill(m, ids, o.tokens(), recycling.extraSlots());
            TokenRecycling.Result[] r = new TokenRecycling.Result[1];
            Timing tr = Timing.of(() -> r[0] = recycling.run(m, fast.cache, fast.logits, o.tokens(), Sampler.greedy(), vocab,
                    new int[0], t -> { }));
            spec = r[0];
            err.printf(Locale.ROOT, "%s run %d/%d: plain %.3f s, recycling %.3f s in %d forwards%n", p.label(), i + 1, o.repeat(),
                    tp.wall(), tr.wall(), spec.forwards());
            err.flush();
            plainBest = Math.min(plainBest, tp.wall());
            recyclingBest = Math.min(recyclingBest, tr.wall());
        }
        return new Row(p, plainTokens.length, plainBest, recyclingBest, spec.forwards(),
                Arrays.equals(plainTokens, spec.generation().tokens()));
    }

    private record Prefilled(KvCache cache, float[] logits) {
    }

    private static Prefilled prefill(DecoderModel m, int[] ids, int tokens, int extra) {
        KvCache cache = m.newCache(ids.length + tokens + extra);
        int[] positions = new int[ids.length];
        Arrays.setAll(positions, i -> i);
        return new Prefilled(cache, m.forward(cache, m.embed(ids), positions, 1));
    }

    static void printTable(PrintWriter out, List<Row> rows) {
        out.printf(Locale.ROOT, "%-18s %-10s %6s %12s %12s %7s %8s %12s %9s%n", "prompt", "kind", "tokens", "plain tok/s",
                "recycled t/s", "x plain", "forwards", "accepted/fwd", "identical");
        for (Row r : rows) {
            out.printf(Locale.ROOT, "%-18s %-10s %6d %12.3f %12.3f %7.3f %8d %12.3f %9s%n", r.prompt().label(),
                    r.prompt().repetitive() ? "repetitive" : "free", r.generated(), r.plainRate(), r.recyclingRate(),
                    r.recyclingRate() / r.plainRate(), r.forwards(), r.acceptedPerForward(), r.identical() ? "yes" : "NO");
        }
        for (boolean repetitive : new boolean[] {true, false}) {
            List<Row> kind = rows.stream().filter(r -> r.prompt().repetitive() == repetitive).toList();
            int tokens = kind.stream().mapToInt(Row::generated).sum();
            double plain = kind.stream().mapToDouble(Row::plainSeconds).sum();
            double recycled = kind.stream().mapToDouble(Row::recyclingSeconds).sum();
            int accepted = kind.stream().mapToInt(r -> r.generated() - 1).sum();
            int forwards = kind.stream().mapToInt(Row::forwards).sum();
            out.printf(Locale.ROOT, "%-18s %-10s %6d %12.3f %12.3f %7.3f %8d %12.3f%n", "all", repetitive ? "repetitive" : "free",
                    tokens, tokens / plain, tokens / recycled, plain / recycled, forwards, (double) accepted / forwards);
        }
        out.flush();
    }
}
