package io.glimpse.bench.cli;

import io.glimpse.cli.GlimpseCli;
import io.glimpse.cli.InProcess;
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

/** {@code glimpse bench speculate} on the tiny shape: the rows, their losslessness and arithmetic, never the timings. */
class BenchSpeculateCommandTest {
    @TempDir
    Path cache;

    private static final String NUM = "(\\d+\\.\\d+)";

    @Test
    void tinyRunTablesEveryPromptWithIdenticalOutputAndConsistentRatios() throws Exception {
        // A chain of four: the first candidate of the first candidate... drafts a repeated loop cheaply.
        Path tree = cache.resolve("chain.txt");
        Files.writeString(tree, "0\n0 0\n0 0 0\n0 0 0 0\n");
        InProcess.Run r = glimpse("bench", "speculate", "--tiny", "--tokens", "24", "--tree", tree.toString(), "--weights", "q8_0,auto", "--cache", cache.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("draft tree " + tree + " of 4 nodes").contains("random weights in q8_0")
                .contains("random weights in their stored format");
        Pattern row = Pattern.compile("(\\S.*?)\\s+(repetitive|free)\\s+(\\d+)\\s+" + NUM + "\\s+" + NUM + "\\s+" + NUM
                + "\\s+(\\d+)\\s+" + NUM + "\\s+(yes|NO)");
        List<String> labels = new ArrayList<>();
        for (String line : r.out().lines().toList()) {
            Matcher m = row.matcher(line);
            if (m.matches()) {
                labels.add(m.group(1));
                int tokens = Integer.parseInt(m.group(3));
                assertThat(tokens).isEqualTo(24);
                double plain = Double.parseDouble(m.group(4));
                double recycled = Double.parseDouble(m.group(5));
                assertThat(Double.parseDouble(m.group(6))).isCloseTo(recycled / plain, within(0.002 + 0.001 * recycled / plain));
                int forwards = Integer.parseInt(m.group(7));
                // A chain of 4 accepts at most 4 draft tokens plus the bonus per forward.
                assertThat(forwards).isBetween((tokens - 1 + 4) / 5, tokens - 1);
                assertThat(Double.parseDouble(m.group(8))).isCloseTo((tokens - 1.0) / forwards, within(0.001));
                assertThat(m.group(9)).isEqualTo("yes");
            }
        }
        List<String> prompts = List.of("repeat a list", "edit a passage", "code", "free generation");
        List<String> twice = new ArrayList<>(prompts);
        twice.addAll(prompts);
        assertThat(labels).containsExactlyElementsOf(twice);
        assertThat(r.out()).containsPattern("all\\s+repetitive\\s+72 ").containsPattern("all\\s+free\\s+24 ");
    }

    @Test
    void anUnknownWeightFormatIsAUsageError() {
        assertThat(glimpse("bench", "speculate", "--tiny", "--weights", "q3", "--cache", cache.toString()).code())
                .isEqualTo(GlimpseCli.USAGE);
    }

    @Test
    void aTemplateThatIsNotATreeIsBadInput() throws Exception {
        Path tree = cache.resolve("orphan.txt");
        Files.writeString(tree, "0\n1 0\n");
        InProcess.Run r = glimpse("bench", "speculate", "--tiny", "--tree", tree.toString(), "--cache", cache.toString());
        assertThat(r.code()).isEqualTo(GlimpseCli.BAD_INPUT);
        assertThat(r.err()).contains("orphan.txt line 2").contains("before its parent");
    }
}
