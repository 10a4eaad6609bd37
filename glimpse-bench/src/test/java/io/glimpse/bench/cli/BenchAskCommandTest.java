package io.glimpse.bench.cli;

import io.glimpse.bench.fixture.ByteLevelTokenizer;
import io.glimpse.bench.fixture.ModelShapes;
import io.glimpse.bench.run.DecodeProducts;
import io.glimpse.cli.GlimpseCli;
import io.glimpse.cli.InProcess;
import io.glimpse.lm.TextTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.glimpse.cli.InProcess.glimpse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** {@code glimpse bench ask} on the tiny shape: the table's rows and the arithmetic between its columns, never the timings. */
class BenchAskCommandTest {
    @TempDir
    Path cache;

    private static final String NUM = "(\\d+\\.\\d+)";

    @Test
    void tinyRunTablesEveryPipelineWithRatiosOfItsOwnTimes() {
        InProcess.Run r = glimpse("bench", "ask", "--tiny", "--frames", "2", "--tokens", "3", "--cache", cache.toString());
        assertThat(r.code()).as(r.err()).isZero();
        Matcher floorLine = Pattern.compile("floor " + NUM + " tokens/s").matcher(r.out());
        assertThat(floorLine.find()).as(r.out()).isTrue();
        double floor = Double.parseDouble(floorLine.group(1));
        // label, LLM rows, rows without reduction, rows at the last layer, encode, reduce, prefill, TTFT ms, ratio, decode tok/s, ratio, of floor
        Pattern row = Pattern.compile("(\\S.*?)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+" + NUM + "\\s+" + NUM + "\\s+" + NUM + "\\s+" + NUM
                + "\\s+" + NUM + "\\s+" + NUM + "\\s+" + NUM + "\\s+" + NUM);
        List<String> labels = new ArrayList<>();
        List<double[]> values = new ArrayList<>();
        List<int[]> counts = new ArrayList<>();
        for (String line : r.out().lines().toList()) {
            Matcher m = row.matcher(line);
            if (m.matches()) {
                labels.add(m.group(1));
                counts.add(new int[] {Integer.parseInt(m.group(2)), Integer.parseInt(m.group(4)), Integer.parseInt(m.group(3))});
                double[] v = new double[8];
                for (int i = 0; i < 8; i++) {
                    v[i] = Double.parseDouble(m.group(5 + i));
                }
                values.add(v);
            }
        }
        assertThat(labels).containsExactly("none", "tome:k=8", "visionzip:k=8,score=received,layer=1", "evs:rate=0.7500",
                "matryoshka:kernel=4", "llm fastv (K=2, keep 1/2)");
        // Two 8x8 frames pool to 4x4 each, plus the newline; the budget is a quarter of the 32 pooled rows; EVS prunes
        // the pooled rows, keeping the first frame whole; Matryoshka's kernel 4 leaves 2x2 per frame; FastV halves the 32
        // visual rows from layer 2.
        assertThat(counts).allSatisfy(c -> assertThat(c[2]).isEqualTo(33));
        assertThat(counts.get(0)).startsWith(33, 33);
        assertThat(counts.get(1)[0]).isEqualTo(9);
        assertThat(counts.get(2)[0]).isEqualTo(9);
        assertThat(counts.get(3)[0]).isBetween(17, 33);
        assertThat(counts.get(4)[0]).isEqualTo(9);
        assertThat(counts.get(5)).startsWith(33, 17);
        double[] none = values.get(0);
        for (double[] v : values) {
            // The printed ratios must match the quotients of the printed times up to their rounding.
            assertThat(v[4]).isCloseTo(v[3] / none[3], within(ratioError(v[3], none[3], 0.005)));
            assertThat(v[6]).isCloseTo(v[5] / none[5], within(ratioError(v[5], none[5], 0.0005)));
            assertThat(v[7]).isCloseTo(v[5] / floor, within(ratioError(v[5], floor, 0.0005)));
            assertThat(v[3] / 1e3).isGreaterThanOrEqualTo(v[2]);
        }
        assertThat(r.out()).contains("decode matrix-vector products (m = 1)").contains("lm head    4096 x 64");
    }

    /** How far a/b can move when a and b are off by up to {@code half} each, plus the ratio's own rounding. */
    private static double ratioError(double a, double b, double half) {
        return 0.0006 + half / b + a * half / (b * (b - half));
    }

    @Test
    void weightBytesPerDecodedTokenCountQwen2HalfBillionInFloat32() {
        // Qwen2-0.5B: 494,032,768 parameters, the tied embedding read once as the head; the embedding lookup is one row.
        assertThat(DecodeProducts.weightBytes(ModelShapes.ONEVISION_0_5B.decoder())).isEqualTo(4L * 494_032_768);
    }

    @Test
    void theGeneratedTokenizerEncodesChatMlWithTheRealSpecialIds() throws Exception {
        Path file = cache.resolve("tokenizer.json");
        Files.writeString(file, ByteLevelTokenizer.json(151643));
        try (TextTokenizer t = TextTokenizer.load(file)) {
            assertThat(t.size()).isEqualTo(151648);
            assertThat(t.encode("<|im_start|>user\n<video>\nHi<|im_end|>", false))
                    .containsExactly(151644, 'u', 's', 'e', 'r', '\n', 151647, '\n', 'H', 'i', 151645);
        }
    }

    @Test
    void gemvOnlyPrintsBandwidthsAndEveryWeightShapeOfTheFullDecoder() {
        InProcess.Run r = glimpse("bench", "ask", "--gemv-only", "--layers", "1", "--cache", cache.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("memory bandwidth: read " + NUM + " GB/s").contains("weights read per token 604.2 MB");
        for (String shape : List.of("q/k/v      1152 x 896", "o           896 x 896", "gate/up    9728 x 896", "down        896 x 4864",
                "lm head  151936 x 896")) {
            assertThat(r.out()).contains(shape);
        }
        assertThat(cache).isEmptyDirectory();
    }

    @Test
    void badOptionsAreUsageErrors() {
        assertThat(glimpse("bench", "ask", "--tiny", "--tokens", "1", "--cache", cache.toString()).code()).isEqualTo(GlimpseCli.USAGE);
        assertThat(glimpse("bench", "ask", "--tiny", "--keep", "1", "--cache", cache.toString()).code()).isEqualTo(GlimpseCli.USAGE);
        assertThat(glimpse("bench", "ask", "--vision-layers", "27", "--cache", cache.toString()).code()).isEqualTo(GlimpseCli.USAGE);
    }

    /**
     * The memory mode on the tiny LLaVA-1.5 shape: it writes the checkpoint once, answers, and reports a peak resident
     * set no smaller than the resident set before loading, and the decoder's weight bytes of its shape at q8_0.
     */
    @Test
    void rssModeReportsThePeakAndTheDecodersBytes() {
        InProcess.Run first = glimpse("bench", "ask", "--rss", "--tiny", "--weights", "q8_0", "--tokens", "2", "--cache", cache.toString());
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out()).contains("written in this run");
        InProcess.Run r = glimpse("bench", "ask", "--rss", "--tiny", "--weights", "q8_0", "--tokens", "2", "--cache", cache.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).doesNotContain("written in this run").contains("2 tokens decoded").contains("goal ≤ 9 GB");
        Matcher m = Pattern.compile("before loading " + NUM + " GB; peak resident \\(VmHWM\\) " + NUM + " GB").matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        assertThat(Double.parseDouble(m.group(2))).isGreaterThanOrEqualTo(Double.parseDouble(m.group(1)));
        // llava-1.5-tiny's decoder: 2 layers of hidden 64 (q 64, k and v 32 each, o 64) and MLP 128, an untied head of 512
        // tokens; Q8_0 stores 34 bytes per 32 weights.
        long weights = 2L * (64 * 64 + 2 * 32 * 64 + 64 * 64 + 3 * 64 * 128) + 512L * 64;
        Matcher w = Pattern.compile("q8_0: " + NUM + " GB read per token").matcher(r.out());
        assertThat(w.find()).as(r.out()).isTrue();
        assertThat(Double.parseDouble(w.group(1))).isCloseTo(weights / 32.0 * 34 / 1e9, within(0.005));
        assertThat(glimpse("bench", "ask", "--rss", "--weights", "q4_k", "--cache", cache.toString()).code()).isEqualTo(1);
    }
}
