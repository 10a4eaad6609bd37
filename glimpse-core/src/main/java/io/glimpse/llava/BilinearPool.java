package io.glimpse.llava;

/**
 * Bilinear resampling of a feature grid to a given size, as LLaVA-OneVision pools video frames to ⌈h/2⌉×⌈w/2⌉ and
 * shrinks large anyres maps ({@code nn.functional.interpolate(mode="bilinear", align_corners=False)} with an output
 * size; {@code LlavaOnevisionModel.apply_pooling} in transformers): source coordinate (dst + ½)·in/out − ½ clamped at 0, the two neighbours below
 * and above (the upper one clamped to the edge), weights from the fractional part. Computed in float as torch does
 * on float32 input.
 */
final class BilinearPool {
    private BilinearPool() {
    }

    /**
     * @param grid rows [h·w × d], row-major over the grid
     * @return rows [⌈h/2⌉·⌈w/2⌉ × d]
     */
    static float[] halve(float[] grid, int h, int w, int d) {
        return resize(grid, h, w, (h + 1) / 2, (w + 1) / 2, d);
    }

    /**
     * @param grid rows [h·w × d], row-major over the grid
     * @return rows [oh·ow × d]
     */
    static float[] resize(float[] grid, int h, int w, int oh, int ow, int d) {
        if ((long) h * w * d != grid.length) {
            throw new IllegalArgumentException(grid.length + " values are not a " + h + "x" + w + " grid of width " + d);
        }
        if (oh <= 0 || ow <= 0) {
            throw new IllegalArgumentException("output grid must be positive, got " + oh + "x" + ow);
        }
        float[] out = new float[oh * ow * d];
        for (int y = 0; y < oh; y++) {
            float sy = source(y, h, oh);
            int y0 = (int) sy;
            int y1 = Math.min(y0 + 1, h - 1);
            float ly = sy - y0;
            for (int x = 0; x < ow; x++) {
                float sx = source(x, w, ow);
                int x0 = (int) sx;
                int x1 = Math.min(x0 + 1, w - 1);
                float lx = sx - x0;
                int o = (y * ow + x) * d;
                for (int k = 0; k < d; k++) {
                    float top = (1 - lx) * grid[(y0 * w + x0) * d + k] + lx * grid[(y0 * w + x1) * d + k];
                    float bottom = (1 - lx) * grid[(y1 * w + x0) * d + k] + lx * grid[(y1 * w + x1) * d + k];
                    out[o + k] = (1 - ly) * top + ly * bottom;
                }
            }
        }
        return out;
    }

    private static float source(int dst, int in, int out) {
        float scale = (float) in / out;
        return Math.max(0f, (dst + 0.5f) * scale - 0.5f);
    }
}
