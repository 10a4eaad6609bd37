package io.glimpse.vision;

import io.glimpse.io.BadInputException;
import io.glimpse.image.RgbImage;
import io.glimpse.tensor.VectorOps;
import io.glimpse.tokens.FrameInfo;
import io.glimpse.tokens.TokenSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The weight-free default encoder: each P×P patch becomes a small descriptor of colour,
 * edge orientation and coarse luminance layout, good enough for scene detection, duplicate removal,
 * clustering and coverage, and needing no checkpoint.
 *
 * <p>Per patch ({@link #DIM} = 22 values, in this order):
 * <ul>
 *   <li>[0,6) colour: mean and standard deviation of OKLab L, a, b (Ottosson 2020, "A perceptual colour
 *       space for image processing"), from sRGB decoded to linear light;</li>
 *   <li>[6,14) gradient orientations: 8-bin histogram of unsigned orientation over [0°,180°) of the central-
 *       difference gradient of L, magnitude-weighted, linearly split between the two nearest bin centres
 *       (bin b centred at b·22.5°, angle from +x towards +y, i.e. image-down; as in Dalal and Triggs, CVPR 2005),
 *       divided by the patch's pixel count. A vertical edge lands in bin 0, a horizontal one in bin 4;</li>
 *   <li>[14,22) layout: the 3×3 lowest orthonormal 2-D DCT-II coefficients of L without DC, divided by P so
 *       they do not grow with the patch size, ordered (u,v) = (1,0),(2,0),(0,1),(1,1),(2,1),(0,2),(1,2),(2,2)
 *       with u the horizontal and v the vertical frequency.</li>
 * </ul>
 * The blocks are weighted (colour means 1 for L and 2 for a,b, whose range is narrower; spreads likewise;
 * gradients 2; layout 1) and the whole vector is L2-normalised; an all-zero vector (a black patch) stays zero.
 *
 * <p>The image is cut into floor(h/P)×floor(w/P) patches from the top-left corner; the right and bottom
 * remainders (fewer than P pixels) are ignored, so callers wanting full coverage resize to multiples of P
 * first. Gradients use central differences inside the patch, one-sided (clamped) at its border, so a
 * descriptor depends on its own patch's pixels only, as a ViT patch embedding does.
 *
 * <p>The frame descriptor ({@link #FRAME_DIM} = 86 values) is the normalised mean of the frame's patch
 * descriptors followed by the square roots of a 4×4×4 joint sRGB histogram (fractions of pixels, so that
 * block has unit length; square roots make Euclidean distance the Hellinger distance), the whole
 * L2-normalised. Frames are encoded in parallel; the result does not depend on the thread schedule.
 */
public final class PatchStats {
    public static final int DIM = 22;
    public static final int COLOUR_OFFSET = 0;
    public static final int GRADIENT_OFFSET = 6;
    public static final int DCT_OFFSET = 14;
    public static final int ORIENTATION_BINS = 8;
    public static final int HISTOGRAM_BINS = 64;
    public static final int FRAME_DIM = DIM + HISTOGRAM_BINS;

    private static final float[] WEIGHTS = {
        1, 2, 2, 1, 2, 2,
        2, 2, 2, 2, 2, 2, 2, 2,
        1, 1, 1, 1, 1, 1, 1, 1,
    };
    private static final float[] SRGB_TO_LINEAR = srgbToLinear();
    private static final int DCT_FREQUENCIES = 3;
    private static final int MAX_PATCH = 1024;

    private final int patchSize;
    /** basis[u*P + x] = α(u)·cos(π(2x+1)u / 2P), the orthonormal DCT-II basis. */
    private final float[] basis;
    private final VectorOps ops = VectorOps.get();

    /**
     * @param patchSize P in pixels, 3..1024 (14 for ViT-style grids, 28 for Qwen2-VL's merged tokens)
     */
    public PatchStats(int patchSize) {
        if (patchSize < DCT_FREQUENCIES || patchSize > MAX_PATCH) {
            throw new BadInputException("patch size must be in [" + DCT_FREQUENCIES + ", " + MAX_PATCH + "], got " + patchSize);
        }
        this.patchSize = patchSize;
        this.basis = new float[DCT_FREQUENCIES * patchSize];
        for (int u = 0; u < DCT_FREQUENCIES; u++) {
            double alpha = Math.sqrt((u == 0 ? 1.0 : 2.0) / patchSize);
            for (int x = 0; x < patchSize; x++) {
                basis[u * patchSize + x] = (float) (alpha * Math.cos(Math.PI * (2 * x + 1) * u / (2.0 * patchSize)));
            }
        }
    }

    public int patchSize() {
        return patchSize;
    }

    /**
     * Descriptors of one image.
     *
     * @param raw the per-patch statistics before weighting and normalisation ({@link #rawFeatures} layout), in
     *            their own units (OKLab for colour), for comparing patches by how far apart they are rather than
     *            by direction
     */
    public record Frame(FrameInfo info, float[] patches, float[] descriptor, float[] raw) {
    }

    /**
     * Descriptors of a list of frames.
     *
     * @param tokens           one token of dimension {@link #DIM} per patch, frames in input order
     * @param frameDescriptors F×{@link #FRAME_DIM}, row-major
     */
    public record Encoding(TokenSet tokens, float[] frameDescriptors) {
        public float[] frameDescriptor(int f) {
            return Arrays.copyOfRange(frameDescriptors, f * FRAME_DIM, (f + 1) * FRAME_DIM);
        }
    }

    /** Encodes every frame; FrameInfo takes the image's timestamp and pixel size, scene 0, no clip. */
    public Encoding encode(List<RgbImage> images) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no frames to encode");
        }
        Frame[] frames = IntStream.range(0, images.size()).parallel()
                .mapToObj(i -> describe(images.get(i))).toArray(Frame[]::new);
        int total = 0;
        for (Frame f : frames) {
            total += f.patches().length;
        }
        float[] emb = new float[total];
        float[] desc = new float[frames.length * FRAME_DIM];
        List<FrameInfo> infos = new ArrayList<>(frames.length);
        int off = 0;
        for (int f = 0; f < frames.length; f++) {
            System.arraycopy(frames[f].patches(), 0, emb, off, frames[f].patches().length);
            off += frames[f].patches().length;
            System.arraycopy(frames[f].descriptor(), 0, desc, f * FRAME_DIM, FRAME_DIM);
            infos.add(frames[f].info());
        }
        return new Encoding(TokenSet.fromGrid(emb, DIM, infos), desc);
    }

    /** Patch descriptors (gridH×gridW×DIM, row-major) and frame descriptor of one image. */
    public Frame describe(RgbImage image) {
        Planes planes = planes(image);
        float[] patches = rawFeatures(planes);
        float[] raw = patches.clone();
        int count = planes.gridH * planes.gridW;
        float[] mean = new float[DIM];
        for (int p = 0; p < count; p++) {
            int o = p * DIM;
            for (int k = 0; k < DIM; k++) {
                patches[o + k] *= WEIGHTS[k];
            }
            normalize(patches, o, DIM);
            ops.axpy(1f / count, patches, o, mean, 0, DIM);
        }
        normalize(mean, 0, DIM);
        float[] frame = new float[FRAME_DIM];
        System.arraycopy(mean, 0, frame, 0, DIM);
        double pixels = (double) planes.width * planes.height;
        for (int b = 0; b < HISTOGRAM_BINS; b++) {
            frame[DIM + b] = (float) Math.sqrt(planes.histogram[b] / pixels);
        }
        normalize(frame, 0, FRAME_DIM);
        FrameInfo info = new FrameInfo(image.timestamp(), planes.gridH, planes.gridW, image.width(), image.height(), 0, -1);
        return new Frame(info, patches, frame, raw);
    }

    /**
     * The per-patch statistics before weighting and normalisation, in the descriptor layout
     * (gridH×gridW×DIM, row-major): for inspection and for checking the features themselves.
     */
    public float[] rawFeatures(RgbImage image) {
        return rawFeatures(planes(image));
    }

    private float[] rawFeatures(Planes planes) {
        float[] out = new float[planes.gridH * planes.gridW * DIM];
        float[] rowCoef = new float[DCT_FREQUENCIES * patchSize];
        for (int pr = 0; pr < planes.gridH; pr++) {
            for (int pc = 0; pc < planes.gridW; pc++) {
                int o = (pr * planes.gridW + pc) * DIM;
                int x0 = pc * patchSize;
                int y0 = pr * patchSize;
                colour(planes, x0, y0, out, o + COLOUR_OFFSET);
                orientations(planes, x0, y0, out, o + GRADIENT_OFFSET);
                dct(planes.lightness, planes.width, x0, y0, rowCoef, out, o + DCT_OFFSET);
            }
        }
        return out;
    }

    /** OKLab planes of the region covered by whole patches, and its coarse sRGB histogram. */
    private record Planes(int gridH, int gridW, int width, int height, float[] lightness, float[] a, float[] b, int[] histogram) {
    }

    private Planes planes(RgbImage image) {
        int gridW = image.width() / patchSize;
        int gridH = image.height() / patchSize;
        if (gridW == 0 || gridH == 0) {
            throw new BadInputException("image " + image.width() + "x" + image.height()
                    + " is smaller than one " + patchSize + "x" + patchSize + " patch");
        }
        int w = gridW * patchSize;
        int h = gridH * patchSize;
        float[] lightness = new float[w * h];
        float[] pa = new float[w * h];
        float[] pb = new float[w * h];
        int[] histogram = new int[HISTOGRAM_BINS];
        byte[] rgb = image.rgb();
        for (int y = 0; y < h; y++) {
            int src = y * image.width() * 3;
            for (int x = 0; x < w; x++, src += 3) {
                int r = rgb[src] & 0xff;
                int g = rgb[src + 1] & 0xff;
                int b = rgb[src + 2] & 0xff;
                histogram[(r >> 6) << 4 | (g >> 6) << 2 | (b >> 6)]++;
                float lr = SRGB_TO_LINEAR[r];
                float lg = SRGB_TO_LINEAR[g];
                float lb = SRGB_TO_LINEAR[b];
                // Ottosson's linear sRGB → LMS → cube root → OKLab matrices.
                double l = cbrt(0.4122214708 * lr + 0.5363325363 * lg + 0.0514459929 * lb);
                double m = cbrt(0.2119034982 * lr + 0.6806995451 * lg + 0.1073969566 * lb);
                double s = cbrt(0.0883024619 * lr + 0.2817188376 * lg + 0.6299787005 * lb);
                int i = y * w + x;
                lightness[i] = (float) (0.2104542553 * l + 0.7936177850 * m - 0.0040720468 * s);
                pa[i] = (float) (1.9779984951 * l - 2.4285922050 * m + 0.4505937099 * s);
                pb[i] = (float) (0.0259040371 * l + 0.7827717662 * m - 0.8086757660 * s);
            }
        }
        return new Planes(gridH, gridW, w, h, lightness, pa, pb, histogram);
    }

    private void colour(Planes planes, int x0, int y0, float[] out, int o) {
        float[][] channels = {planes.lightness, planes.a, planes.b};
        int n = patchSize * patchSize;
        for (int c = 0; c < 3; c++) {
            float[] plane = channels[c];
            double sum = 0;
            for (int y = y0; y < y0 + patchSize; y++) {
                for (int x = x0, i = y * planes.width + x0; x < x0 + patchSize; x++, i++) {
                    sum += plane[i];
                }
            }
            double mean = sum / n;
            double sq = 0;
            for (int y = y0; y < y0 + patchSize; y++) {
                for (int x = x0, i = y * planes.width + x0; x < x0 + patchSize; x++, i++) {
                    double d = plane[i] - mean;
                    sq += d * d;
                }
            }
            out[o + c] = (float) mean;
            out[o + 3 + c] = (float) Math.sqrt(sq / n);
        }
    }

    private void orientations(Planes planes, int x0, int y0, float[] out, int o) {
        float[] l = planes.lightness;
        int w = planes.width;
        int xEnd = x0 + patchSize - 1;
        int yEnd = y0 + patchSize - 1;
        double binWidth = Math.PI / ORIENTATION_BINS;
        double[] hist = new double[ORIENTATION_BINS];
        for (int y = y0; y <= yEnd; y++) {
            int up = Math.max(y - 1, y0) * w;
            int down = Math.min(y + 1, yEnd) * w;
            for (int x = x0; x <= xEnd; x++) {
                double gx = 0.5 * (l[y * w + Math.min(x + 1, xEnd)] - l[y * w + Math.max(x - 1, x0)]);
                double gy = 0.5 * (l[down + x] - l[up + x]);
                double mag = Math.sqrt(gx * gx + gy * gy);
                if (mag == 0) {
                    continue;
                }
                double t = orientation(gx, gy) / binWidth;
                int b0 = (int) t;
                double frac = t - b0;
                hist[b0 % ORIENTATION_BINS] += mag * (1 - frac);
                hist[(b0 + 1) % ORIENTATION_BINS] += mag * frac;
            }
        }
        for (int b = 0; b < ORIENTATION_BINS; b++) {
            out[o + b] = (float) (hist[b] / (patchSize * patchSize));
        }
    }

    /** Separable DCT: per row the three horizontal projections, then the vertical projections of those. */
    private void dct(float[] l, int w, int x0, int y0, float[] rowCoef, float[] out, int o) {
        int p = patchSize;
        for (int y = 0; y < p; y++) {
            for (int u = 0; u < DCT_FREQUENCIES; u++) {
                rowCoef[u * p + y] = ops.dot(l, (y0 + y) * w + x0, basis, u * p, p);
            }
        }
        int k = 0;
        for (int v = 0; v < DCT_FREQUENCIES; v++) {
            for (int u = 0; u < DCT_FREQUENCIES; u++) {
                if (u == 0 && v == 0) {
                    continue;
                }
                out[o + k++] = ops.dot(rowCoef, u * p, basis, v * p, p) / p;
            }
        }
    }

    /**
     * Cube root of x ≥ 0 to within 1e-12: an exponent-dividing bit trick for the first guess, then three
     * Newton steps. Four times faster than Math.cbrt, which dominated the colour conversion.
     */
    static double cbrt(double x) {
        if (x <= 0) {
            return 0;
        }
        double y = Double.longBitsToDouble(Double.doubleToRawLongBits(x) / 3 + 0x2A9F7893782DA1CEL);
        y = (2 * y + x / (y * y)) / 3;
        y = (2 * y + x / (y * y)) / 3;
        return (2 * y + x / (y * y)) / 3;
    }

    /**
     * Unsigned orientation of (gx, gy) in [0, π), to within 1e-5 rad, via the arctangent polynomial of
     * Abramowitz and Stegun 4.4.47 on [0, 1] and octant symmetry; much cheaper than Math.atan2 per pixel.
     */
    static double orientation(double gx, double gy) {
        if (gy < 0 || (gy == 0 && gx < 0)) {
            gx = -gx;
            gy = -gy;
        }
        double ax = Math.abs(gx);
        double t = ax >= gy ? atanUnit(gy / ax) : Math.PI / 2 - atanUnit(ax / gy);
        return gx < 0 ? Math.PI - t : t;
    }

    private static double atanUnit(double z) {
        double z2 = z * z;
        return z * (0.9998660 + z2 * (-0.3302995 + z2 * (0.1801410 + z2 * (-0.0851330 + z2 * 0.0208351))));
    }

    /** Scales x[o, o+n) to unit length; a zero (or denormal-small) vector is left as all zeros. */
    private void normalize(float[] x, int o, int n) {
        double norm = Math.sqrt(ops.sumSquares(x, o, n));
        if (norm < 1e-20) {
            Arrays.fill(x, o, o + n, 0f);
            return;
        }
        float inv = (float) (1 / norm);
        for (int i = o; i < o + n; i++) {
            x[i] *= inv;
        }
    }

    private static float[] srgbToLinear() {
        float[] t = new float[256];
        for (int i = 0; i < 256; i++) {
            double c = i / 255.0;
            t[i] = (float) (c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4));
        }
        return t;
    }
}
