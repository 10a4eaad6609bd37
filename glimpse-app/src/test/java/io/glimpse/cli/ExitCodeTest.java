package io.glimpse.cli;

import io.glimpse.io.BadInputException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.NoSuchFileException;
import java.util.concurrent.Callable;

import static io.glimpse.cli.InProcess.glimpse;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exit codes by what went wrong, through a verb that fails on purpose: this test source set registers it as a
 * {@link CommandExtension}, the way glimpse-bench adds {@code bench}.
 */
class ExitCodeTest {
    @Command(name = "fail", description = "Fails on purpose (tests only).")
    static final class FailingCommand implements Callable<Integer> {
        @Parameters(index = "0")
        String how;

        @Override
        public Integer call() throws Exception {
            throw switch (how) {
                case "bad-input" -> new BadInputException("clip.mp4: no video stream");
                case "missing" -> new NoSuchFileException("gone.png");
                case "illegal-argument" -> new IllegalArgumentException("k must be positive, got -1");
                default -> new IllegalStateException("cache holds 3 rows, expected 4\nsecond line");
            };
        }
    }

    public static final class Failing implements CommandExtension {
        @Override
        public Object command() {
            return new FailingCommand();
        }
    }

    @Test
    void aBugIsAnInternalErrorOnOneLineNotBadInput() {
        for (String how : new String[] {"illegal-argument", "state"}) {
            InProcess.Run r = glimpse("fail", how);
            assertThat(r.code()).as(how).isEqualTo(GlimpseCli.INTERNAL);
            assertThat(r.err().lines()).as(how).singleElement().asString().startsWith("glimpse: internal error (a bug): ");
        }
        assertThat(glimpse("fail", "illegal-argument").err())
                .contains("IllegalArgumentException: k must be positive, got -1").doesNotContain("\tat ");
    }

    @Test
    void verboseAddsTheStackTraceBeforeOrAfterTheVerb() {
        for (String[] args : new String[][] {{"-v", "fail", "state"}, {"fail", "--verbose", "state"}}) {
            InProcess.Run r = glimpse(args);
            assertThat(r.code()).isEqualTo(GlimpseCli.INTERNAL);
            assertThat(r.err()).contains("IllegalStateException: cache holds 3 rows, expected 4")
                    .contains("\tat io.glimpse.cli.ExitCodeTest$FailingCommand.call");
        }
    }

    @Test
    void badInputAndMissingFilesAreExitTwoWithTheirLine() {
        InProcess.Run bad = glimpse("-v", "fail", "bad-input");
        assertThat(bad.code()).isEqualTo(GlimpseCli.BAD_INPUT);
        assertThat(bad.err()).isEqualTo("glimpse: clip.mp4: no video stream" + System.lineSeparator());
        InProcess.Run missing = glimpse("fail", "missing");
        assertThat(missing.code()).isEqualTo(GlimpseCli.BAD_INPUT);
        assertThat(missing.err()).isEqualTo("glimpse: gone.png: no such file" + System.lineSeparator());
    }

    @Test
    void aMissingParameterStaysAUsageError() {
        assertThat(glimpse("fail").code()).isEqualTo(GlimpseCli.USAGE);
    }
}
