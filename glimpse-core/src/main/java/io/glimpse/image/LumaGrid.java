package io.glimpse.image;

/**
 * A picture at a glance: the mean luma of each cell of a coarse grid, with the picture's mean luma and colour
 * spread. Cheap enough to take of every decoded frame of a video (it is read from the decoded planes, never
 * converted to RGB), so consecutive frames can be compared without keeping or converting them.
 *
 * @param cells      rows×cols mean luma in [0, 1], row-major
 * @param brightness mean luma in [0, 1]
 * @param contrast   standard deviation of the R, G and B values (root mean of the three variances), in [0, 1]
 */
public record LumaGrid(int cols, int rows, float[] cells, double brightness, double contrast) {
    public LumaGrid {
        if (cols < 1 || rows < 1 || cells == null || cells.length != cols * rows) {
            throw new IllegalArgumentException("a luma grid needs cols×rows cells, got " + cols + "×" + rows + " and "
                    + (cells == null ? "none" : cells.length + " values"));
        }
        if (!(brightness >= 0 && brightness <= 1) || !(contrast >= 0 && contrast <= 1)) {
            throw new IllegalArgumentException("brightness and contrast must be in [0, 1], got " + brightness
                    + " and " + contrast);
        }
    }
}
