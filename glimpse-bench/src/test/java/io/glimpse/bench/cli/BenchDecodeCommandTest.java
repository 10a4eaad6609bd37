package io.glimpse.bench.cli;

import io.glimpse.cli.GlimpseCli;
import io.glimpse.cli.InProcess;
import io.glimpse.io.GgmlType;
import io.glimpse.io.GgufFile;
import io.glimpse.lm.DecoderModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.glimpse.cli.InProcess.glimpse;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code glimpse bench decode} on a tiny shape: its rows and the GGUF files it writes, never the timings. */
class BenchDecodeCommandTest {
    @TempDir
    Path cache;

    @Test
    void tinyRunPrintsOneRowPerFormatAndWritesLoadableFiles() throws Exception {
        InProcess.Run r = glimpse("bench", "decode", "--models", "tiny", "--weights", "q4_0,bf16", "--tg", "2", "--pp", "4",
                "--context", "8", "--repeat", "1", "--threads", "1", "--cache", cache.toString());
        assertThat(r.code()).as(r.err()).isZero();
        String num = "\\d+\\.\\d+";
        for (String f : new String[] {"q4_0", "bf16"}) {
            assertThat(r.out().lines().filter(l -> l.matches("tiny +" + f + " +" + num + " GB +" + num + " \\| +" + num + " +"
                    + num + " +" + num + " \\| +" + num + " +" + num + " +" + num + " \\| +" + num + " \\| +" + num + " GB"))).hasSize(1);
        }
        GgufFile q4 = GgufFile.read(cache.resolve("decode-tiny-q4_0.gguf"));
        assertThat(q4.tensor("blk.1.ffn_down.weight").type()).isEqualTo(GgmlType.Q4_0);
        assertThat(q4.tensor("blk.1.ffn_norm.weight").type()).isEqualTo(GgmlType.F32);
        DecoderModel model = DecoderModel.load(q4, null);
        assertThat(model.config().layers()).isEqualTo(2);
        // What llama.cpp's loader needs before llama-bench runs on the same file: a vocabulary kind and its size.
        assertThat(q4.metadata().get("tokenizer.ggml.model").value()).isEqualTo("no_vocab");
        assertThat(((Number) q4.metadata().get(model.config().modelType() + ".vocab_size").value()).longValue())
                .isEqualTo(q4.tensor("token_embd.weight").dims()[1]);
    }

    @Test
    void batchModeAddsTheAggregateRateBesideOneSequences() throws Exception {
        InProcess.Run r = glimpse("bench", "decode", "--models", "tiny", "--weights", "q8_0", "--tg", "3", "--pp", "4",
                "--context", "8", "--repeat", "1", "--threads", "1", "--batch", "3", "--cache", cache.toString());
        assertThat(r.code()).as(r.err()).isZero();
        java.util.List<String> lines = r.out().lines().toList();
        String row = lines.stream().filter(l -> l.startsWith("tiny") && l.contains("|")).findFirst().orElseThrow();
        double tg = Double.parseDouble(row.split("\\|")[1].trim().split(" +")[0]);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("tiny +q8_0 +batch of 3: +(\\d+\\.\\d+) tok/s aggregate, "
                + "(\\d+\\.\\d+)× one sequence's tg3").matcher(lines.stream().filter(l -> l.contains("batch of")).findFirst()
                .orElseThrow());
        assertThat(m.matches()).isTrue();
        double ratio = Double.parseDouble(m.group(2));
        assertThat(ratio).isCloseTo(Double.parseDouble(m.group(1)) / tg, org.assertj.core.data.Offset.offset(0.01 + ratio * 0.01));
        assertThat(glimpse("bench", "decode", "--models", "tiny", "--batch", "0", "--cache", cache.toString()).code())
                .isEqualTo(GlimpseCli.USAGE);
    }

    /**
     * llama-bench runs once after each of Glimpse's rounds (one repetition each), and the best rate per test counts,
     * as Glimpse's best round does: the fake prints a faster tg and pp but a slower tg at depth on its second run.
     */
    @Test
    void llamaBenchRunsOnceAfterEachRoundAndItsBestRatesCount() throws Exception {
        Path args = cache.resolve("args.txt");
        Path seen = cache.resolve("seen");
        Path fake = cache.resolve("fake-llama-bench.sh");
        java.nio.file.Files.writeString(fake, """
                #!/bin/sh
                echo "$@" >> %s
                if [ -f %s ]; then tg=20.5; ctx=4.25; pp=300.5; else tg=10.5; ctx=8.25; pp=100.5; touch %s; fi
                echo '"build_commit","n_prompt","n_gen","n_depth","avg_ts","stddev_ts"'
                echo '"abc",4,0,0,'$pp',1.0'
                echo '"abc",0,2,0,'$tg',0.5'
                echo '"abc",0,2,8,'$ctx',0.5'
                """.formatted(args, seen, seen));
        fake.toFile().setExecutable(true);
        InProcess.Run r = glimpse("bench", "decode", "--models", "tiny", "--weights", "q8_0", "--tg", "2", "--pp", "4",
                "--context", "8", "--repeat", "2", "--threads", "1", "--cache", cache.toString(), "--llama-bench", fake.toString());
        assertThat(r.code()).as(r.err()).isZero();
        java.util.List<String> calls = java.nio.file.Files.readAllLines(args);
        assertThat(calls).hasSize(2).allSatisfy(c -> assertThat(c).contains("-r 1").contains("-p 4 -n 2 -d 0,8 -t 1")
                .contains("decode-tiny-q8_0.gguf"));
        String row = r.out().lines().filter(l -> l.startsWith("tiny") && l.contains("|")).findFirst().orElseThrow();
        String[] cells = row.split("\\|");
        double tg = Double.parseDouble(cells[1].trim().split(" +")[0]);
        double ctx = Double.parseDouble(cells[2].trim().split(" +")[0]);
        double pp = Double.parseDouble(cells[3].trim());
        String line = r.out().lines().filter(l -> l.contains("llama.cpp")).findFirst().orElseThrow();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("llama\\.cpp +tg 20\\.50 \\(Glimpse (\\S+)x\\) +tg@8 8\\.25 "
                + "\\((\\S+)x\\) +pp 300\\.50 \\((\\S+)x\\) +best of 2 runs").matcher(line);
        assertThat(m.find()).as(line).isTrue();
        assertThat(Double.parseDouble(m.group(1))).isCloseTo(tg / 20.5, org.assertj.core.data.Offset.offset(0.006 + tg / 20.5 * 0.001));
        assertThat(Double.parseDouble(m.group(2))).isCloseTo(ctx / 8.25, org.assertj.core.data.Offset.offset(0.006 + ctx / 8.25 * 0.001));
        assertThat(Double.parseDouble(m.group(3))).isCloseTo(pp / 300.5, org.assertj.core.data.Offset.offset(0.006 + pp / 300.5 * 0.001));
    }

    @Test
    void unknownModelOrFormatIsAUsageError() {
        assertThat(glimpse("bench", "decode", "--models", "gpt-5", "--cache", cache.toString()).code()).isEqualTo(GlimpseCli.USAGE);
        assertThat(glimpse("bench", "decode", "--weights", "q5_k", "--cache", cache.toString()).code()).isEqualTo(GlimpseCli.USAGE);
        assertThat(glimpse("bench", "decode", "--models", "tiny", "--weights", "q4_k", "--cache", cache.toString()).code())
                .isEqualTo(GlimpseCli.USAGE);
    }
}
