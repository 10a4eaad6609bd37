package io.glimpse.plan;

/**
 * One frame of a plan.
 *
 * @param source    index of the frame in the candidate list the plan was made from
 * @param timestamp source time in seconds
 * @param scene     scene id (0-based, in time order)
 * @param clip      clip id (0-based, in time order), or -1 when the method does not form clips
 * @param width     pixels across to send
 * @param height    pixels down to send
 * @param cost      tokens of the target for this frame at that size (the last frame of a target that encodes frames
 *                  in groups also carries the copies padding its group, {@link CostModel#frameStep})
 */
public record PlannedFrame(int source, double timestamp, int scene, int clip, int width, int height, int cost) {
}
