package io.glimpse.spark.cli;

import io.glimpse.spark.CorpusJob;

import java.io.PrintWriter;
import java.util.Locale;

/** A line every {@code every} videos and at the last: videos done, rate in videos per minute and time left. */
final class ProgressLine implements CorpusJob.Progress {
    private final PrintWriter err;
    private final int every;
    private final long start = System.nanoTime();
    private long printed;

    ProgressLine(PrintWriter err, int every) {
        this.err = err;
        this.every = every;
    }

    @Override
    public void done(long videos, long total) {
        if (videos == printed || (videos < total && videos - printed < every)) {
            return;
        }
        printed = videos;
        double minutes = (System.nanoTime() - start) / 60e9;
        double rate = videos / minutes;
        long left = Math.round((total - videos) / rate * 60);
        err.printf(Locale.ROOT, "corpus: %d/%d videos, %.1f videos/min, ETA %d:%02d%n", videos, total, rate,
                left / 60, left % 60);
    }
}
