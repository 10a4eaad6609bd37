package io.glimpse.image;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * LLaVA-OneVision's "anyres_max_N" single-image layout (transformers
 * {@code LlavaOnevisionImageProcessor.get_image_patches}, {@code select_best_resolution},
 * {@code get_patch_output_size}, {@code LlavaOnevisionModel.pack_image_features}, {@code unpad_image},
 * {@code LlavaOnevisionProcessor._get_number_of_features}). The image is squashed to one base crop and, resized
 * with its aspect kept and padded with black to the best pinpoint, cut into tiles; the tiles' feature grids form
 * one map that is unpadded, bilinearly shrunk when it holds more than N crops' worth of tokens, and closed by an
 * image_newline after every row. The processor's placeholder count and the model's packed rows
 * (io.glimpse.llava.AnyresPacking) come from the same {@link Layout}, so they agree by construction.
 *
 * @param tile      crop side in pixels (the tower's image_size)
 * @param grid      patches per crop side (image_size / patch_size)
 * @param pinpoints candidate (height, width) resolutions, multiples of {@code tile}, in config order
 * @param maxCrops  N of anyres_max_N: the unpadded map is shrunk when it exceeds 1.1² · N · grid² tokens
 */
public record AnyresGrid(int tile, int grid, List<int[]> pinpoints, int maxCrops) {
    /** transformers' ratio threshold above which the map is interpolated down. */
    private static final double SHRINK_ABOVE = 1.1;
    /** Largest pinpoint side accepted; real configs stop at 2304 (6 crops of 384). */
    static final int MAX_SIDE = 8192;

    public AnyresGrid {
        if (tile <= 0 || grid <= 0 || maxCrops <= 0) {
            throw new IllegalArgumentException("anyres tile " + tile + ", grid " + grid + " and max crops " + maxCrops
                    + " must be positive");
        }
        if (pinpoints.isEmpty()) {
            throw new IllegalArgumentException("anyres needs at least one pinpoint");
        }
        List<int[]> copy = new ArrayList<>();
        for (int[] p : pinpoints) {
            if (p.length != 2 || p[0] <= 0 || p[1] <= 0 || p[0] > MAX_SIDE || p[1] > MAX_SIDE || p[0] % tile != 0
                    || p[1] % tile != 0) {
                throw new IllegalArgumentException("pinpoint " + Arrays.toString(p) + " is not a (height, width) pair of "
                        + "multiples of the tile " + tile + " up to " + MAX_SIDE);
            }
            copy.add(p.clone());
        }
        pinpoints = List.copyOf(copy);
    }

    /** Every (h, w) with h, w in {1..6}·tile, rows outer: the LlavaOnevision config's default pinpoints. */
    public static List<int[]> defaultPinpoints(int tile) {
        List<int[]> out = new ArrayList<>();
        for (int h = 1; h <= 6; h++) {
            for (int w = 1; w <= 6; w++) {
                out.add(new int[] {h * tile, w * tile});
            }
        }
        return out;
    }

    /** llava-hf/llava-onevision-qwen2-*-ov-hf: 384-pixel SigLIP crops of 27×27 patches, the default pinpoints, max 9. */
    public static AnyresGrid oneVision() {
        return new AnyresGrid(384, 27, defaultPinpoints(384), 9);
    }

    /**
     * N of a config's {@code vision_aspect_ratio} "anyres_max_N" (transformers strips the prefix characters and
     * parses the rest as an integer).
     *
     * @throws IllegalArgumentException for any other form
     */
    public static int maxCrops(String visionAspectRatio) {
        String prefix = "anyres_max_";
        String rest = visionAspectRatio.startsWith(prefix) ? visionAspectRatio.substring(prefix.length()) : "";
        if (!rest.matches("[1-9][0-9]{0,3}")) {
            throw new IllegalArgumentException("vision_aspect_ratio '" + visionAspectRatio + "' is not anyres_max_N");
        }
        return Integer.parseInt(rest);
    }

    /**
     * Where an image of {@code height}×{@code width} pixels goes.
     *
     * @param best       the chosen pinpoint (height, width)
     * @param rows       tile rows, best height / tile
     * @param cols       tile columns
     * @param top        first map row kept by the unpadding (of rows·grid)
     * @param keptRows   map rows kept
     * @param left       first map column kept
     * @param keptCols   map columns kept
     * @param outRows    rows after the anyres_max shrink (= keptRows when none)
     * @param outCols    columns after the shrink
     */
    public record Layout(int[] best, int rows, int cols, int top, int keptRows, int left, int keptCols, int outRows,
                         int outCols) {
        /** Rows the image contributes to the prompt: the base crop's grid, the map and one newline per map row. */
        public int tokens(int grid) {
            return grid * grid + outRows * (outCols + 1);
        }

        /** Tower passes: the base crop and every tile. */
        public int crops() {
            return 1 + rows * cols;
        }
    }

    /** The layout of an image of {@code height}×{@code width} pixels. */
    public Layout layout(int height, int width) {
        checkSize(height, width);
        int[] best = bestResolution(height, width);
        int rows = best[0] / tile;
        int cols = best[1] / tile;
        int mapH = rows * grid;
        int mapW = cols * grid;
        int top = 0;
        int left = 0;
        int keptH = mapH;
        int keptW = mapW;
        // unpad_image compares the aspect ratios and scales by the ratio first, as Python evaluates them.
        if ((double) width / height > (double) mapW / mapH) {
            top = (mapH - roundedTruncation(height * ((double) mapW / width))) / 2;
            keptH = mapH - 2 * top;
        } else {
            left = (mapW - roundedTruncation(width * ((double) mapH / height))) / 2;
            keptW = mapW - 2 * left;
        }
        int outH = keptH;
        int outW = keptW;
        double ratio = Math.sqrt((double) keptH * keptW / ((double) maxCrops * grid * grid));
        if (ratio > SHRINK_ABOVE) {
            outH = (int) floorDivision(keptH, ratio);
            outW = (int) floorDivision(keptW, ratio);
        }
        return new Layout(best, rows, cols, top, keptH, left, keptW, outH, outW);
    }

    /** The processor's placeholder count for one image (single-image mode). */
    public int tokens(int height, int width) {
        return layout(height, width).tokens(grid);
    }

    /**
     * select_best_resolution: the pinpoint keeping the most image pixels once the image is scaled to fit inside it
     * (capped at the original pixel count), ties to the one wasting least area, then to the earlier one.
     */
    public int[] bestResolution(int height, int width) {
        checkSize(height, width);
        int[] best = null;
        long bestEffective = -1;
        long bestWaste = Long.MAX_VALUE;
        for (int[] p : pinpoints) {
            double scale = Math.min((double) p[1] / width, (double) p[0] / height);
            long effective = Math.min((long) (width * scale) * (long) (height * scale), (long) width * height);
            long waste = (long) p[0] * p[1] - effective;
            if (effective > bestEffective || (effective == bestEffective && waste < bestWaste)) {
                best = p;
                bestEffective = effective;
                bestWaste = waste;
            }
        }
        return best.clone();
    }

    /** get_patch_output_size: the aspect-preserving size (height, width) that fits inside {@code target}. */
    static int[] fitInside(int height, int width, int[] target) {
        double scaleW = (double) target[1] / width;
        double scaleH = (double) target[0] / height;
        if (scaleW < scaleH) {
            return new int[] {(int) Math.min(Math.ceil(height * scaleW), target[0]), target[1]};
        }
        return new int[] {target[0], (int) Math.min(Math.ceil(width * scaleH), target[1])};
    }

    /**
     * The crops the processor makes of {@code image}, before rescale and normalisation: the image resized straight
     * to tile×tile, then the tiles, row by row, of its aspect-preserving resize centred on a black canvas of the best
     * pinpoint (the odd pixel of padding goes to the bottom / right).
     */
    public List<RgbImage> crops(RgbImage image, Resampler resampler) {
        int[] best = bestResolution(image.height(), image.width());
        int[] size = fitInside(image.height(), image.width(), best);
        RgbImage resized = resize(image, size[1], size[0], resampler);
        int top = (best[0] - size[0]) / 2;
        int left = (best[1] - size[1]) / 2;
        List<RgbImage> out = new ArrayList<>();
        out.add(resize(image, tile, tile, resampler));
        for (int r = 0; r < best[0] / tile; r++) {
            for (int c = 0; c < best[1] / tile; c++) {
                out.add(cut(resized, r * tile - top, c * tile - left, image.timestamp()));
            }
        }
        return out;
    }

    private static RgbImage resize(RgbImage image, int width, int height, Resampler resampler) {
        return image.width() == width && image.height() == height ? image : resampler.resize(image, width, height);
    }

    /** The tile×tile window of {@code src} at (y0, x0), black where it falls outside. */
    private RgbImage cut(RgbImage src, int y0, int x0, double timestamp) {
        byte[] out = new byte[tile * tile * 3];
        int xFrom = Math.max(0, -x0);
        int xTo = Math.min(tile, src.width() - x0);
        for (int y = 0; y < tile; y++) {
            int sy = y0 + y;
            if (sy >= 0 && sy < src.height() && xTo > xFrom) {
                System.arraycopy(src.rgb(), (sy * src.width() + x0 + xFrom) * 3, out, (y * tile + xFrom) * 3, (xTo - xFrom) * 3);
            }
        }
        return new RgbImage(tile, tile, out, timestamp);
    }

    /** Python's {@code int(round(x, 7))} for the non-negative ratios of unpad_image: the exact binary value rounded. */
    private static int roundedTruncation(double x) {
        return new BigDecimal(x).setScale(7, RoundingMode.HALF_EVEN).intValue();
    }

    /**
     * Python's float {@code a // b} for positive operands: (a − fmod(a, b)) / b rounded to the nearest integer, which
     * can be one less than floor(a / b) when that quotient rounds up to a whole number.
     */
    private static double floorDivision(double a, double b) {
        double div = (a - a % b) / b;
        double floor = Math.floor(div);
        return div - floor > 0.5 ? floor + 1 : floor;
    }

    private static void checkSize(int height, int width) {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
    }
}
