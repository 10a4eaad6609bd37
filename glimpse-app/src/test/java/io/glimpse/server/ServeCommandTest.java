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
        assertThat(positions.err()).contains("--positions: must be one of [keep, recompact, vista, tclava], got 'diagonal'");
        InProcess.Run speculate = InProcess.glimpse("serve", "--speculate", "eagle");
        assertThat(speculate.code()).isEqualTo(GlimpseCli.BAD_INPUT);
        assertThat(speculate.err()).contains("--speculate: unknown speculation mode 'eagle'; valid modes: none, recycling, "
                + "recycling-compact");
        InProcess.Run both = InProcess.glimpse("serve", "--positions", "vista", "--llm-prune", "fastv");
        assertThat(both.code()).isEqualTo(GlimpseCli.USAGE);
        assertThat(both.err()).contains("--positions vista and in-LLM pruning do not combine");
        InProcess.Run gamma = InProcess.glimpse("serve", "--tc-gamma", "-1");
        assertThat(gamma.code()).isEqualTo(GlimpseCli.USAGE);
        assertThat(gamma.err()).contains("--tc-gamma must be in");
        InProcess.Run query = InProcess.glimpse("serve", "--query-aware");
        assertThat(query.code()).isEqualTo(GlimpseCli.USAGE);
        assertThat(query.err()).contains("--query-aware needs --scorer DIR");
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
