package io.glimpse.media;

import io.glimpse.image.LumaGrid;
import org.bytedeco.ffmpeg.avutil.AVComponentDescriptor;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVPixFmtDescriptor;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;

import java.nio.ByteBuffer;

/**
 * Takes the {@link LumaGrid} of a decoded picture straight from its planes, with no conversion to RGB, so that every
 * frame a pass decodes can afford one: about 15 µs at 720p, 2 % of the 0.4-0.8 ms it takes to decode an MPEG-4 frame
 * (measured on the bench video). {@link #ROWS_PER_CELL} rows per cell row are read whole, so cell means see every
 * pixel of those rows and stripes moving sideways do not alias; {@link #COLOUR_POINTS} pixels evenly spread along
 * every {@link #COLOUR_ROW_STEP}-th of those rows also give their colour, for the spread. Any 8- to 16-bit YUV, grey,
 * RGB or palette format FFmpeg describes is read through its component descriptors (plane, step, offset, shift,
 * depth); limited-range YUV is rescaled to [0, 1] and turned into RGB with the BT.601 matrix for the spread (never
 * taken below the spread of the cell means). Formats with no such description (1-bit, float, Bayer, XYZ, hardware
 * frames) give no grid. Grids are in stored orientation: a rotated stream's display matrix turns every frame alike,
 * which changes nothing when frames are compared.
 */
final class LumaSampler {
    /** Cells along the picture's longer side; the other side gets as many as keep cells square, at least one. */
    static final int LONG_SIDE_CELLS = 16;
    static final int ROWS_PER_CELL = 2;
    static final int COLOUR_ROW_STEP = 4;
    static final int COLOUR_POINTS = 20;

    private static final long UNREADABLE = avutil.AV_PIX_FMT_FLAG_BITSTREAM | avutil.AV_PIX_FMT_FLAG_HWACCEL
            | avutil.AV_PIX_FMT_FLAG_FLOAT | avutil.AV_PIX_FMT_FLAG_BAYER | avutil.AV_PIX_FMT_FLAG_XYZ;

    /** The layout last seen, reused while the stream keeps its format and size (it always does but for rare streams). */
    private int format = -1;
    private int width;
    private int height;
    private Layout layout;
    private final byte[][] rows = new byte[4][];
    /** The planes of the picture being sampled, read without a native call per row. */
    private final ByteBuffer[] planeData = new ByteBuffer[4];
    private final int[] linesizes = new int[4];
    private final int[] palette = new int[256];
    private final int[] rgbScratch = new int[3];

    /** The picture's grid, or null when its pixel format cannot be read from the planes. */
    LumaGrid grid(AVFrame picture) {
        if (picture.format() != format || picture.width() != width || picture.height() != height) {
            format = picture.format();
            width = picture.width();
            height = picture.height();
            layout = Layout.of(format, width, height);
        }
        if (layout == null) {
            return null;
        }
        for (int p = 0; p < layout.planes; p++) {
            int linesize = picture.linesize(p);
            if (linesize <= 0) {
                return null;
            }
            int planeRows = p > 0 && layout.subsampledPlane[p] ? -((-height) >> layout.log2ChromaH) : height;
            long bytes = (long) (planeRows - 1) * linesize + layout.rowBytes[p];
            planeData[p] = picture.data(p).capacity(bytes).asByteBuffer();
            linesizes[p] = linesize;
        }
        boolean full = layout.rgb || layout.gray ? picture.color_range() != avutil.AVCOL_RANGE_MPEG
                : picture.color_range() == avutil.AVCOL_RANGE_JPEG || layout.jpeg;
        if (layout.paletted) {
            BytePointer pal = picture.data(1);
            for (int i = 0; i < 256; i++) {
                // Palette entries are native-endian 0xAARRGGBB words.
                palette[i] = pal.getInt(4L * i);
            }
        }
        return sample(picture, full);
    }

    private LumaGrid sample(AVFrame picture, boolean full) {
        Layout l = layout;
        int cells = l.cols * l.rows;
        double[] sums = new double[cells];
        double[] colour = new double[6];
        int colourSamples = 0;
        double max = (1 << l.depth) - 1;
        double lumaZero = full ? 0 : 16.0 * (1 << (l.depth - 8));
        double lumaSpan = full ? max : 219.0 * (1 << (l.depth - 8));
        double chromaZero = full ? (1 << (l.depth - 1)) : 128.0 * (1 << (l.depth - 8));
        double chromaSpan = full ? max : 224.0 * (1 << (l.depth - 8));
        int sampledRows = l.rows * ROWS_PER_CELL;
        for (int s = 0; s < sampledRows; s++) {
            int y = (int) ((2L * s + 1) * height / (2L * sampledRows));
            boolean colourRow = s % COLOUR_ROW_STEP == 0;
            if (colourRow || !l.plainLuma) {
                copyRows(y);
            }
            int cellRow = s / ROWS_PER_CELL;
            int base = y * linesizes[l.plane[0]];
            for (int c = 0; c < l.cols; c++) {
                sums[cellRow * l.cols + c] += l.plainLuma
                        ? byteSum(planeData[l.plane[0]], base + l.cellStart[c], base + l.cellStart[c + 1])
                        : lumaSum(y, l.cellStart[c], l.cellStart[c + 1]);
            }
            if (!colourRow) {
                continue;
            }
            for (int i = 0; i < Math.min(COLOUR_POINTS, width); i++) {
                int x = (int) ((2L * i + 1) * width / (2L * Math.min(COLOUR_POINTS, width)));
                double r;
                double g;
                double b;
                if (l.rgb || l.paletted) {
                    int[] rgb = rgb(x, y);
                    r = rgb[0] / max;
                    g = rgb[1] / max;
                    b = rgb[2] / max;
                } else {
                    double yy = clamp((value(0, x, y) - lumaZero) / lumaSpan);
                    double cb = l.gray ? 0 : (value(1, x, y) - chromaZero) / chromaSpan;
                    double cr = l.gray ? 0 : (value(2, x, y) - chromaZero) / chromaSpan;
                    r = clamp(yy + 1.402 * cr);
                    g = clamp(yy - 0.344136 * cb - 0.714136 * cr);
                    b = clamp(yy + 1.772 * cb);
                }
                colour[0] += r;
                colour[1] += g;
                colour[2] += b;
                colour[3] += r * r;
                colour[4] += g * g;
                colour[5] += b * b;
                colourSamples++;
            }
        }
        float[] grid = new float[cells];
        double total = 0;
        for (int i = 0; i < cells; i++) {
            int c = i % l.cols;
            double mean = sums[i] / ((double) ROWS_PER_CELL * (l.cellStart[c + 1] - l.cellStart[c]));
            grid[i] = (float) (l.rgb || l.paletted ? mean / max : clamp((mean - lumaZero) / lumaSpan));
            total += grid[i] * (l.cellStart[c + 1] - l.cellStart[c]);
        }
        double variance = 0;
        for (int ch = 0; ch < 3; ch++) {
            double mean = colour[ch] / colourSamples;
            variance += Math.max(0, colour[3 + ch] / colourSamples - mean * mean) / 3;
        }
        double brightness = clamp(total / ((double) l.rows * width));
        // The colour points are few and can all fall on a plain background; the cells see every pixel of their rows,
        // and how far they differ from each other bounds the spread from below.
        double cellVariance = 0;
        for (float cell : grid) {
            cellVariance += (cell - brightness) * (cell - brightness) / cells;
        }
        return new LumaGrid(l.cols, l.rows, grid, brightness, Math.min(1, Math.sqrt(Math.max(variance, cellVariance))));
    }

    /**
     * Sum of the unsigned bytes at [from, to) of a plane: the luma of a run of an 8-bit row, the common case, eight
     * bytes at a time, each pair of bytes added into one of four 16-bit lanes (which hold 128 words, 1024 bytes,
     * before they could overflow; a cell is at most 1024 pixels wide).
     */
    private static long byteSum(ByteBuffer plane, int from, int to) {
        long lanes = 0;
        int x = from;
        for (; x + Long.BYTES <= to; x += Long.BYTES) {
            long v = plane.getLong(x);
            lanes += (v & 0x00FF00FF00FF00FFL) + (v >>> 8 & 0x00FF00FF00FF00FFL);
        }
        long sum = (lanes & 0xFFFF) + (lanes >>> 16 & 0xFFFF) + (lanes >>> 32 & 0xFFFF) + (lanes >>> 48);
        for (; x < to; x++) {
            sum += plane.get(x) & 0xff;
        }
        return sum;
    }

    private double lumaSum(int y, int from, int to) {
        double sum = 0;
        for (int x = from; x < to; x++) {
            sum += luma(x, y);
        }
        return sum;
    }

    /** Row y of every plane (chroma planes at their subsampled row) into {@link #rows}. */
    private void copyRows(int y) {
        for (int p = 0; p < layout.planes; p++) {
            int planeY = p > 0 && layout.subsampledPlane[p] ? y >> layout.log2ChromaH : y;
            int bytes = layout.rowBytes[p];
            if (rows[p] == null || rows[p].length < bytes) {
                rows[p] = new byte[bytes];
            }
            planeData[p].get(planeY * linesizes[p], rows[p], 0, bytes);
        }
    }

    /** Luma of pixel x on the copied rows, in the format's own scale (max 2^depth − 1). */
    private double luma(int x, int y) {
        if (layout.rgb || layout.paletted) {
            int[] rgb = rgb(x, y);
            return 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2];
        }
        return value(0, x, y);
    }

    private int[] rgb(int x, int y) {
        if (layout.paletted) {
            int argb = palette[value(0, x, y)];
            rgbScratch[0] = argb >> 16 & 0xff;
            rgbScratch[1] = argb >> 8 & 0xff;
            rgbScratch[2] = argb & 0xff;
        } else {
            for (int c = 0; c < 3; c++) {
                rgbScratch[c] = value(c, x, y);
            }
        }
        return rgbScratch;
    }

    /** Component c of pixel x on the copied rows. */
    private int value(int c, int x, int y) {
        Layout l = layout;
        int px = c > 0 && l.subsampled[c] ? x >> l.log2ChromaW : x;
        byte[] row = rows[l.plane[c]];
        int at = l.offset[c] + px * l.step[c];
        int word = 0;
        if (l.bigEndian) {
            for (int k = 0; k < l.bytes[c]; k++) {
                word = word << 8 | (row[at + k] & 0xff);
            }
        } else {
            for (int k = l.bytes[c] - 1; k >= 0; k--) {
                word = word << 8 | (row[at + k] & 0xff);
            }
        }
        return word >>> l.shift[c] & l.mask[c];
    }

    private static double clamp(double v) {
        return Math.max(0, Math.min(1, v));
    }

    /** Where a pixel format keeps its components, and the grid's cells for a picture size. */
    private static final class Layout {
        final int cols;
        final int rows;
        /** First pixel column of each cell column, and the width after the last. */
        final int[] cellStart;
        final boolean rgb;
        final boolean gray;
        final boolean paletted;
        final boolean jpeg;
        final boolean bigEndian;
        final int depth;
        final int planes;
        final int log2ChromaW;
        final int log2ChromaH;
        final int[] plane = new int[3];
        final int[] step = new int[3];
        final int[] offset = new int[3];
        final int[] shift = new int[3];
        final int[] mask = new int[3];
        final int[] bytes = new int[3];
        final boolean[] subsampled = new boolean[3];
        final boolean[] subsampledPlane = new boolean[4];
        final int[] rowBytes = new int[4];
        /** Luma is one unsigned byte per pixel at the start of its plane's rows (yuv420p, nv12, gray...). */
        final boolean plainLuma;

        private Layout(AVPixFmtDescriptor d, String name, int width, int height) {
            long flags = d.flags();
            int components = d.nb_components();
            rgb = (flags & avutil.AV_PIX_FMT_FLAG_RGB) != 0;
            paletted = (flags & avutil.AV_PIX_FMT_FLAG_PAL) != 0;
            gray = !rgb && !paletted && components < 3;
            jpeg = name.startsWith("yuvj");
            bigEndian = (flags & avutil.AV_PIX_FMT_FLAG_BE) != 0;
            log2ChromaW = d.log2_chroma_w();
            log2ChromaH = d.log2_chroma_h();
            int used = rgb || (!paletted && !gray) ? 3 : 1;
            int maxPlane = 0;
            int deepest = 0;
            for (int c = 0; c < 3; c++) {
                AVComponentDescriptor comp = d.comp(Math.min(c, used - 1));
                plane[c] = comp.plane();
                step[c] = comp.step();
                offset[c] = comp.offset();
                shift[c] = comp.shift();
                mask[c] = (int) ((1L << comp.depth()) - 1);
                bytes[c] = (comp.shift() + comp.depth() + 7) / 8;
                // Chroma of YUV is subsampled; RGB components share one resolution.
                subsampled[c] = !rgb && !paletted && c > 0;
                maxPlane = Math.max(maxPlane, plane[c]);
                deepest = Math.max(deepest, comp.depth());
            }
            depth = paletted ? 8 : deepest;
            planes = maxPlane + 1;
            for (int c = 0; c < used; c++) {
                subsampledPlane[plane[c]] |= subsampled[c] && plane[c] != plane[0];
                int w = subsampled[c] ? -((-width) >> log2ChromaW) : width;
                rowBytes[plane[c]] = Math.max(rowBytes[plane[c]], offset[c] + (w - 1) * step[c] + bytes[c]);
            }
            boolean landscape = width >= height;
            int longCells = Math.min(LONG_SIDE_CELLS, Math.max(width, height));
            int shortSide = Math.min(width, height);
            int shortCells = Math.max(1, Math.min(shortSide,
                    (int) Math.round((double) LONG_SIDE_CELLS * shortSide / Math.max(width, height))));
            cols = landscape ? longCells : shortCells;
            rows = landscape ? shortCells : longCells;
            cellStart = new int[cols + 1];
            for (int c = 0; c <= cols; c++) {
                cellStart[c] = (int) ((long) c * width / cols);
            }
            plainLuma = !rgb && !paletted && step[0] == 1 && offset[0] == 0 && shift[0] == 0 && mask[0] == 0xff
                    && cellStart[1] <= 1024;
        }

        /** The layout of a format, or null when its pixels cannot be read from the planes. */
        static Layout of(int format, int width, int height) {
            AVPixFmtDescriptor d = avutil.av_pix_fmt_desc_get(format);
            if (d == null || d.isNull() || (d.flags() & UNREADABLE) != 0 || d.nb_components() < 1
                    || width < 1 || height < 1) {
                return null;
            }
            for (int c = 0; c < Math.min(3, d.nb_components()); c++) {
                AVComponentDescriptor comp = d.comp(c);
                if (comp.depth() < 1 || comp.depth() > 16 || comp.shift() + comp.depth() > 32 || comp.plane() > 3) {
                    return null;
                }
            }
            return new Layout(d, d.name().getString(), width, height);
        }
    }
}
