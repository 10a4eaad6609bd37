package io.glimpse.server;

import io.glimpse.cli.GlimpseCli;
import io.glimpse.cli.InProcess;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Flags glimpse serve refuses before binding or loading anything. */
class ServeCommandTest {
    @Test
    void badFlagsAreUsageErrorsNamingTheFlag() {
        InProcess.Run port = InProcess.glimpse("serve", "--port", "70000");
        assertThat(port.code()).isEqualTo(GlimpseCli.USAGE);
        assertThat(port.err()).contains("port must be in [0, 65535]");
        InProcess.Run positions = InProcess.glimpse("serve", "--positions", "diagonal");
        assertThat(positions.code()).isEqualTo(GlimpseCli.USAGE);
        assertThat(positions.err()).contains("--positions must be keep or recompact");
        InProcess.Run reduce = InProcess.glimpse("serve", "--reduce", "nosuch:k=2");
        assertThat(reduce.code()).isEqualTo(GlimpseCli.USAGE);
        assertThat(reduce.err()).contains("--reduce");
        InProcess.Run dir = InProcess.glimpse("serve", "--allow-dir", "/no/such/dir");
        assertThat(dir.code()).isEqualTo(GlimpseCli.USAGE);
        assertThat(dir.err()).contains("--allow-dir /no/such/dir: not a directory");
        InProcess.Run queue = InProcess.glimpse("serve", "--max-concurrency", "0");
        assertThat(queue.code()).isEqualTo(GlimpseCli.USAGE);
    }
}
