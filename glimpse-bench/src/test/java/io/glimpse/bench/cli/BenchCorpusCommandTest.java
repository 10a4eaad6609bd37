package io.glimpse.bench.cli;

import io.glimpse.cli.InProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static io.glimpse.cli.InProcess.glimpse;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code glimpse bench corpus} on a tiny corpus: its lines and the corpus it keeps, never the timings. */
class BenchCorpusCommandTest {
    @TempDir
    Path cache;

    @Test
    void tinyRunPrintsBothRatesAndTheirRatioAndKeepsOnlyTheCorpus() throws Exception {
        InProcess.Run r = glimpse("bench", "corpus", "--videos", "3", "--seconds", "2", "--height", "90",
                "--cache", cache.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("corpus: 3 videos of 2 s at 90p");
        String num = "\\d+\\.\\d+";
        String times = " +" + num + " s \\(cpu +" + num + " s\\) +" + num + " videos/min";
        assertThat(r.out().lines().filter(l -> l.matches(".*one video after another.*:" + times))).hasSize(1);
        assertThat(r.out().lines().filter(l -> l.matches("corpus job on local\\[2\\] +:" + times))).hasSize(1);
        assertThat(r.out().lines().filter(l -> l.matches("ratio corpus/loop +: +" + num
                + " +\\(cpu time loop/corpus (" + num + "|n/a)\\)"))).hasSize(1);
        try (Stream<Path> s = Files.list(cache)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("corpus-3x2s-90p");
        }
    }
}
