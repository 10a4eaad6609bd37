package io.glimpse.spark;

import io.glimpse.job.PlanJob;

/** What became of one video: a row of the videos table or one of the errors table. */
public sealed interface Outcome {
    VideoFile file();

    /**
     * @param result    the plan job's result, as {@code glimpse plan} would have written it
     * @param tokenFile {@link io.glimpse.tokens.TokenFile} bytes of the delivered token set
     * @param millis    wall time of the plan job (both decoding passes, encoding and reduction)
     */
    record Compressed(VideoFile file, PlanJob.Result result, byte[] tokenFile, double millis) implements Outcome {
    }

    /** @param error one line naming the file and the problem */
    record Failed(VideoFile file, String error) implements Outcome {
    }
}
