package io.glimpse.bench.cli;

import io.glimpse.cli.InProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static io.glimpse.cli.InProcess.glimpse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** {@code glimpse bench plan} on a short small video: its lines and their arithmetic, never the timings. */
class BenchPlanCommandTest {
    @TempDir
    Path cache;

    @Test
    void shortRunPrintsThePlanPassesBesideDecodingAndTheirRatios() throws Exception {
        InProcess.Run r = glimpse("bench", "plan", "--minutes", "0.2", "--height", "90", "--repeat", "1",
                "--budget", "2000", "--cache", cache.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("160x90, 0.2 min, 12 frames sampled at 1.00 fps");
        double decode = seconds(r.out(), "decode only \\(reference\\)");
        double plan = seconds(r.out(), "decode \\+ describe \\+ plan");
        double job = seconds(r.out(), "whole job \\(\\+ chosen frames, enc\\.\\)");
        assertThat(r.out()).containsPattern("decode \\+ describe \\+ plan .* 12 candidates, \\d+ cuts");
        // The printed times are rounded to 10 ms; their ratios are taken before rounding.
        List<String> ratios = r.out().lines().filter(l -> l.startsWith("ratio")).toList();
        assertThat(ratios).hasSize(2);
        assertThat(ratios.get(0)).contains("goal <= 1.5");
        assertThat(ratio(ratios.get(0))).isCloseTo(plan / decode, within(0.01 / decode * (1 + plan / decode) + 0.01));
        assertThat(ratio(ratios.get(1))).isCloseTo(job / decode, within(0.01 / decode * (1 + job / decode) + 0.01));
        try (Stream<Path> s = Files.list(cache)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("bench-0.2min-90p.mp4");
        }
    }

    private static double seconds(String out, String label) {
        Matcher m = Pattern.compile("(?m)^" + label + " *: +(\\d+\\.\\d+) s").matcher(out);
        assertThat(m.find()).as(label + " in\n" + out).isTrue();
        return Double.parseDouble(m.group(1));
    }

    private static double ratio(String line) {
        Matcher m = Pattern.compile(": +(\\d+\\.\\d+)").matcher(line);
        assertThat(m.find()).as(line).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
