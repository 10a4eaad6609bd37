package io.glimpse.bench.cli;

import io.glimpse.cli.InProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.glimpse.cli.InProcess.glimpse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** {@code glimpse bench serve} on the tiny shape: the tables' counts and arithmetic, never the timings. */
class BenchServeCommandTest {
    @TempDir
    Path cache;

    @Test
    void tinyRunReportsTheWarmFollowUpAndTheBatchedDecodeRatio() {
        InProcess.Run r = glimpse("bench", "serve", "--tiny", "--frames", "2", "--tokens", "2", "--clients", "3",
                "--decode-tokens", "6", "--runs", "1", "--cache", cache.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("follow-up TTFT / first TTFT = \\d+\\.\\d{4}");
        Matcher one = Pattern.compile("(?m)^1\\s+(\\d+)\\s+(\\d+\\.\\d+)\\s+(\\d+\\.\\d+)$").matcher(r.out());
        Matcher three = Pattern.compile("(?m)^3\\s+(\\d+)\\s+(\\d+\\.\\d+)\\s+(\\d+\\.\\d+)$").matcher(r.out());
        Matcher ratio = Pattern.compile("aggregate decode 3 clients / 1 client = (\\d+\\.\\d+)").matcher(r.out());
        assertThat(one.find() && three.find() && ratio.find()).as(r.out()).isTrue();
        // Tokens after the first of each answer, unless a random stop token ends one early.
        assertThat(Integer.parseInt(one.group(1))).isBetween(0, 5);
        assertThat(Integer.parseInt(three.group(1))).isBetween(0, 15);
        assertThat(Double.parseDouble(one.group(3))).isCloseTo(1.0, within(1e-9));
        assertThat(Double.parseDouble(three.group(3))).isBetween(1.0, 3.0);
        double expected = Double.parseDouble(three.group(2)) / Double.parseDouble(one.group(2));
        assertThat(Double.parseDouble(ratio.group(1))).isCloseTo(expected, within(0.002 + 0.01 * expected));
    }
}
