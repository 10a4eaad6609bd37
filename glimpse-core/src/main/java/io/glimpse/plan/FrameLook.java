package io.glimpse.plan;

/**
 * What a frame looks like region by region, so frames can be compared where they differ rather than on average
 * (two shots of one palette have nearly the same mean descriptor): a coarse grid of cell descriptors, each the
 * mean of the raw PatchStats statistics (OKLab colour, edge orientations) of a block of patches, scaled so that
 * Euclidean distance between cells measures visible change, and the frame's luma level and colour spread.
 *
 * @param rows       cell rows
 * @param cols       cell columns
 * @param dim        values per cell
 * @param cells      rows×cols×dim, row-major
 * @param brightness mean luma in [0, 1]
 * @param contrast   standard deviation of the R, G and B values (root mean of the three variances), in [0, 0.5]
 */
public record FrameLook(int rows, int cols, int dim, float[] cells, double brightness, double contrast) {
    /** Below this mean luma a frame is black (a leader, the bottom of a fade to black). */
    public static final double BLANK_BRIGHTNESS = 0.06;
    /** Below this colour spread (5 of 255 levels) a frame is near-uniform: a grey card, a flat flash, nothing to look at. */
    public static final double BLANK_CONTRAST = 0.02;

    public FrameLook {
        if (rows < 1 || cols < 1 || dim < 1 || cells == null || cells.length != rows * cols * dim) {
            throw new IllegalArgumentException("a frame look needs rows×cols×dim cell values, got " + rows + "×"
                    + cols + "×" + dim + " and " + (cells == null ? "none" : cells.length + " values"));
        }
        if (!(brightness >= 0 && brightness <= 1) || !(contrast >= 0 && contrast <= 1)) {
            throw new IllegalArgumentException("brightness and contrast must be in [0, 1], got " + brightness
                    + " and " + contrast);
        }
    }

    /** Black or near-uniform: shows nothing a viewer (or a model) could use. */
    public boolean blank() {
        return brightness < BLANK_BRIGHTNESS || contrast < BLANK_CONTRAST;
    }

    /** How much a frame shows, for preferring one frame over another of the same scene: its colour spread. */
    public double informativeness() {
        return blank() ? 0 : contrast;
    }
}
