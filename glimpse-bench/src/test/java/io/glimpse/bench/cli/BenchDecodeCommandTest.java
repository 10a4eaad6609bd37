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
        assertThat(DecoderModel.load(q4, null).config().layers()).isEqualTo(2);
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

    @Test
    void unknownModelOrFormatIsAUsageError() {
        assertThat(glimpse("bench", "decode", "--models", "gpt-5", "--cache", cache.toString()).code()).isEqualTo(GlimpseCli.USAGE);
        assertThat(glimpse("bench", "decode", "--weights", "q4_k", "--cache", cache.toString()).code()).isEqualTo(GlimpseCli.USAGE);
    }
}
