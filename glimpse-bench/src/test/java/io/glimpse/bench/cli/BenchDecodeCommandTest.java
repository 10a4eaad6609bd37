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
    void unknownModelOrFormatIsAUsageError() {
        assertThat(glimpse("bench", "decode", "--models", "gpt-5", "--cache", cache.toString()).code()).isEqualTo(GlimpseCli.USAGE);
        assertThat(glimpse("bench", "decode", "--weights", "q5_k", "--cache", cache.toString()).code()).isEqualTo(GlimpseCli.USAGE);
        assertThat(glimpse("bench", "decode", "--models", "tiny", "--weights", "q4_k", "--cache", cache.toString()).code())
                .isEqualTo(GlimpseCli.USAGE);
    }
}
