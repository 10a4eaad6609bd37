package io.glimpse.image;

/**
 * Resizes RGB images with a separable filter: a horizontal pass, then a vertical one, each computed in 22-bit fixed
 * point and rounded to 8 bits in between. This is Pillow's scheme (src/libImaging/Resample.c), so BICUBIC matches
 * {@code Image.resize(size, Image.BICUBIC)} bit for bit, which the preprocessors of VLM checkpoints depend on.
 */
public final class Resize {
    private Resize() {
    }

    /** Resampling filter. */
    public enum Filter {
        /**
         * Mean over each output pixel's footprint, partly covered source pixels weighted by their coverage; for
         * downscaling. At integer ratios this is Pillow's BOX filter.
         */
        AREA,
        /** Pillow's BICUBIC: Keys cubic with a = -0.5, support widened by the downscale factor (antialiasing). */
        BICUBIC
    }

    private static final int PRECISION_BITS = 22;

    /** The image resampled to width x height; the timestamp is kept. An axis whose size is unchanged is copied. */
    public static RgbImage resize(RgbImage src, int width, int height, Filter filter) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("resize target must be positive, got " + width + "x" + height);
        }
        byte[] pixels = src.rgb();
        if (width != src.width()) {
            pixels = pass(pixels, src.width(), src.height(), coefficients(src.width(), width, filter), true);
        }
        if (height != src.height()) {
            pixels = pass(pixels, width, src.height(), coefficients(src.height(), height, filter), false);
        }
        return new RgbImage(width, height, pixels == src.rgb() ? pixels.clone() : pixels, src.timestamp());
    }

    /**
     * The image scaled down so its longer side is at most maxSide, aspect ratio kept (the short side rounded, at
     * least 1); returned as is when it already fits.
     */
    public static RgbImage fitWithin(RgbImage src, int maxSide, Filter filter) {
        if (maxSide <= 0) {
            throw new IllegalArgumentException("max side must be positive, got " + maxSide);
        }
        int longSide = Math.max(src.width(), src.height());
        if (longSide <= maxSide) {
            return src;
        }
        double scale = (double) maxSide / longSide;
        int w = src.width() >= src.height() ? maxSide : Math.max(1, (int) Math.round(src.width() * scale));
        int h = src.height() > src.width() ? maxSide : Math.max(1, (int) Math.round(src.height() * scale));
        return resize(src, w, h, filter);
    }

    /** Fixed-point weights: output i reads source pixels start[i] .. start[i]+count[i]-1 with weights[i*stride+k]. */
    record Coefficients(int[] start, int[] count, int[] weights, int stride) {
    }

    static Coefficients coefficients(int inSize, int outSize, Filter filter) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = switch (filter) {
            case AREA -> 0.5 * scale + 0.5;
            case BICUBIC -> 2.0 * filterScale;
        };
        int stride = (int) Math.ceil(support) * 2 + 1;
        int[] start = new int[outSize];
        int[] count = new int[outSize];
        int[] weights = new int[outSize * stride];
        double[] w = new double[stride];
        for (int i = 0; i < outSize; i++) {
            double center = (i + 0.5) * scale;
            // Pillow's bounds: truncation of center ± support + 0.5, clipped to the image.
            int lo = Math.max(0, (int) (center - support + 0.5));
            int n = Math.min(inSize, (int) (center + support + 0.5)) - lo;
            double sum = 0;
            for (int k = 0; k < n; k++) {
                w[k] = switch (filter) {
                    case AREA -> overlap(lo + k, i * scale, (i + 1) * scale);
                    case BICUBIC -> bicubic((lo + k - center + 0.5) * (1.0 / filterScale));
                };
                sum += w[k];
            }
            start[i] = lo;
            count[i] = n;
            for (int k = 0; k < n; k++) {
                double normalized = sum != 0.0 ? w[k] / sum : w[k];
                // Round half away from zero, as Pillow's normalize_coeffs_8bpc does.
                weights[i * stride + k] = normalized < 0
                        ? (int) (-0.5 + normalized * (1 << PRECISION_BITS))
                        : (int) (0.5 + normalized * (1 << PRECISION_BITS));
            }
        }
        return new Coefficients(start, count, weights, stride);
    }

    /** Length of the overlap of source pixel [j, j+1) with the footprint [lo, hi). */
    private static double overlap(int j, double lo, double hi) {
        return Math.max(0.0, Math.min(j + 1.0, hi) - Math.max(j, lo));
    }

    /** Keys cubic, a = -0.5, with Pillow's operation order so the doubles (and the rounded weights) agree. */
    private static double bicubic(double x) {
        double a = -0.5;
        double t = Math.abs(x);
        if (t < 1.0) {
            return ((a + 2.0) * t - (a + 3.0)) * t * t + 1;
        }
        if (t < 2.0) {
            return (((t - 5) * t + 8) * t - 4) * a;
        }
        return 0.0;
    }

    /** One separable pass over interleaved RGB; horizontal maps width, vertical maps height. */
    private static byte[] pass(byte[] in, int width, int height, Coefficients c, boolean horizontal) {
        int outW = horizontal ? c.start().length : width;
        int outH = horizontal ? height : c.start().length;
        byte[] out = new byte[outW * outH * 3];
        // Step between consecutive taps along the filtered axis.
        int tapStep = horizontal ? 3 : width * 3;
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
                int i = horizontal ? x : y;
                int base = horizontal ? (y * width + c.start()[i]) * 3 : (c.start()[i] * width + x) * 3;
                int wOff = i * c.stride();
                int n = c.count()[i];
                int o = (y * outW + x) * 3;
                for (int ch = 0; ch < 3; ch++) {
                    int acc = 1 << (PRECISION_BITS - 1);
                    int p = base + ch;
                    for (int k = 0; k < n; k++, p += tapStep) {
                        acc += (in[p] & 0xff) * c.weights()[wOff + k];
                    }
                    out[o + ch] = clip8(acc);
                }
            }
        }
        return out;
    }

    private static byte clip8(int acc) {
        int v = acc >> PRECISION_BITS;
        return (byte) (v < 0 ? 0 : Math.min(v, 255));
    }
}
