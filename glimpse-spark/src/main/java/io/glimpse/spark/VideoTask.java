package io.glimpse.spark;

import java.io.Serializable;

/**
 * The work done for one video inside a Spark task. Shipped to executors, so it must be serializable; tests wrap the
 * real one ({@link CompressVideo}) to inject task failures.
 */
@FunctionalInterface
public interface VideoTask extends Serializable {
    /** Never throws for a bad video (that is a {@link Outcome.Failed}); a throw fails the Spark task attempt. */
    Outcome run(VideoFile file);
}
