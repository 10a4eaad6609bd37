package io.glimpse.bench.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Where a bench verb keeps what it generates (videos, random checkpoints), reused by the next run. */
final class CacheOption {
    @Option(names = "--cache", defaultValue = "${sys:java.io.tmpdir}/glimpse-bench", paramLabel = "DIR",
            description = "Where generated videos and random checkpoints are kept between runs (default: ${DEFAULT-VALUE}).")
    Path dir;
}
