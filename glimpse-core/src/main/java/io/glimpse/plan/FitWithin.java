package io.glimpse.plan;

/** Aspect-preserving down-scaling shared by the cost models; never scales up. */
final class FitWithin {
    private FitWithin() {
    }

    /** {@code width}×{@code height} scaled down (rounded) so that its long edge is at most {@code maxEdge}. */
    static int[] longEdge(int width, int height, int maxEdge) {
        int[] unchanged = CostModel.scaled(width, height, 1.0);
        int longest = Math.max(width, height);
        return longest <= maxEdge ? unchanged : CostModel.scaled(width, height, (double) maxEdge / longest);
    }
}
