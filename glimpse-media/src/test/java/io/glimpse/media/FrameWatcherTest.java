package io.glimpse.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.glimpse.image.LumaGrid;
import io.glimpse.image.RgbImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watcher of a pass: every decoded frame once, in order, with the luma grid it was drawn with. */
class FrameWatcherTest {
    private static final int FPS = 10;

    @TempDir
    static Path dir;

    private record Seen(double time, LumaGrid grid, boolean follows) {
    }

    private static List<Seen> watch(Path file, Sampling sampling) {
        List<Seen> seen = new ArrayList<>();
        try (VideoSource src = VideoSource.open(file)) {
            src.frames(sampling, FrameSize.maxSide(16), (t, g, f) -> seen.add(new Seen(t, g, f)))
                    .forEachRemaining(frame -> { });
        }
        return seen;
    }

    /** Mean luma of the render's cells on a grid of the given shape, computed from its RGB pixels. */
    private static float[] cellLuma(RgbImage img, int cols, int rows) {
        double[] sum = new double[cols * rows];
        int[] n = new int[cols * rows];
        for (int y = 0; y < img.height(); y++) {
            for (int x = 0; x < img.width(); x++) {
                int c = (y * rows / img.height()) * cols + x * cols / img.width();
                sum[c] += (0.299 * img.get(x, y, 0) + 0.587 * img.get(x, y, 1) + 0.114 * img.get(x, y, 2)) / 255;
                n[c]++;
            }
        }
        float[] out = new float[sum.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (sum[i] / n[i]);
        }
        return out;
    }

    private static double rgbSpread(RgbImage img) {
        double variance = 0;
        for (int ch = 0; ch < 3; ch++) {
            double s = 0;
            double sq = 0;
            for (int y = 0; y < img.height(); y++) {
                for (int x = 0; x < img.width(); x++) {
                    double v = img.get(x, y, ch) / 255.0;
                    s += v;
                    sq += v * v;
                }
            }
            int pixels = img.width() * img.height();
            variance += (sq / pixels - (s / pixels) * (s / pixels)) / 3;
        }
        return Math.sqrt(variance);
    }

    private static void assertLooksLike(LumaGrid grid, RgbImage drawn, String what) {
        float[] expected = cellLuma(drawn, grid.cols(), grid.rows());
        double diff = 0;
        double mean = 0;
        for (int i = 0; i < expected.length; i++) {
            diff += Math.abs(grid.cells()[i] - expected[i]);
            mean += expected[i];
        }
        assertThat(diff / expected.length).as("%s: mean cell error", what).isLessThan(0.03);
        assertThat(grid.brightness()).as("%s: brightness", what).isCloseTo(mean / expected.length, within(0.03));
        assertThat(grid.contrast()).as("%s: spread", what).isCloseTo(rgbSpread(drawn), within(0.03));
    }

    @Test
    void everyDecodedFrameIsSeenOnceInOrderWithTheLumaItWasDrawnWith() throws IOException {
        SyntheticVideo video = new SyntheticVideo(SyntheticVideo.Spec.hardCuts(160, 120, FPS, 3, 2.0, 7));
        Path file = video.write(dir.resolve("three-scenes.mp4"));
        // Sampled at 1 fps, yet the watcher sees all 60 frames.
        List<Seen> seen = watch(file, Sampling.fps(1));
        assertThat(seen).hasSize(60);
        for (int k = 0; k < seen.size(); k++) {
            Seen s = seen.get(k);
            assertThat(s.time()).isCloseTo(k / (double) FPS, within(1e-3));
            assertThat(s.follows()).as("frame %d", k).isTrue();
            assertThat(s.grid().cols()).isEqualTo(LumaSampler.LONG_SIDE_CELLS);
            assertThat(s.grid().rows()).isEqualTo(12);
            assertLooksLike(s.grid(), video.render(k), "frame " + k);
        }
    }

    @Test
    void framesASeekSkipsAreMissingAndTheFirstAfterItSaysSo() throws IOException {
        SyntheticVideo longer = new SyntheticVideo(SyntheticVideo.Spec.hardCuts(96, 64, 5, 4, 6.0, 11));
        Path path = longer.write(dir.resolve("long.mp4"));
        List<Seen> seen = watch(path, Sampling.count(4));
        assertThat(seen.size()).isLessThan(120);
        assertThat(seen).anyMatch(s -> !s.follows());
        for (int k = 1; k < seen.size(); k++) {
            if (seen.get(k).follows()) {
                // Frames told as following come one frame (0.2 s) after the frame told before them.
                assertThat(seen.get(k).time() - seen.get(k - 1).time()).as("frame %d", k).isCloseTo(0.2, within(1e-3));
            }
        }
    }

    /** Planar, packed, high-bit-depth, full-range and RGB pictures are all read through their descriptors. */
    @Test
    void gridsAreReadFromEveryCommonPixelFormat() throws IOException {
        RgbImage drawn = new SyntheticVideo(SyntheticVideo.Spec.hardCuts(96, 64, FPS, 1, 0.3, 3)).render(0);
        record Encoding(String name, int codec, int pixelFormat) {
        }
        for (Encoding e : List.of(new Encoding("yuv444p", avcodec.AV_CODEC_ID_FFV1, avutil.AV_PIX_FMT_YUV444P),
                new Encoding("yuv420p10", avcodec.AV_CODEC_ID_FFV1, avutil.AV_PIX_FMT_YUV420P10LE),
                new Encoding("gray", avcodec.AV_CODEC_ID_FFV1, avutil.AV_PIX_FMT_GRAY8),
                new Encoding("yuvj420p", avcodec.AV_CODEC_ID_MJPEG, avutil.AV_PIX_FMT_YUVJ420P),
                new Encoding("rgb24", avcodec.AV_CODEC_ID_PNG, avutil.AV_PIX_FMT_RGB24),
                new Encoding("yuyv422", avcodec.AV_CODEC_ID_RAWVIDEO, avutil.AV_PIX_FMT_YUYV422))) {
            Path file = twoFrames(dir.resolve(e.name() + ".mkv"), drawn, e.codec(), e.pixelFormat());
            List<Seen> seen = watch(file, Sampling.all());
            assertThat(seen).as(e.name()).hasSize(2);
            RgbImage expected = e.name().equals("gray") ? gray(drawn) : drawn;
            assertLooksLike(seen.get(0).grid(), expected, e.name());
        }
    }

    /** A plain grey picture is blank; the same with a small dark bar between the rows whose colour is read is not. */
    @Test
    void aSmallObjectOnAPlainBackgroundCountsAsContrast() throws IOException {
        byte[] plain = new byte[160 * 120 * 3];
        Arrays.fill(plain, (byte) 128);
        byte[] bar = plain.clone();
        for (int y = 13; y < 21; y++) {
            for (int x = 40; x < 80; x++) {
                for (int ch = 0; ch < 3; ch++) {
                    bar[(y * 160 + x) * 3 + ch] = 20;
                }
            }
        }
        LumaGrid flat = watch(twoFrames(dir.resolve("plain.mkv"), new RgbImage(160, 120, plain, 0),
                avcodec.AV_CODEC_ID_FFV1, avutil.AV_PIX_FMT_YUV444P), Sampling.all()).get(0).grid();
        LumaGrid object = watch(twoFrames(dir.resolve("bar.mkv"), new RgbImage(160, 120, bar, 0),
                avcodec.AV_CODEC_ID_FFV1, avutil.AV_PIX_FMT_YUV444P), Sampling.all()).get(0).grid();
        assertThat(flat.contrast()).isLessThan(0.005);
        assertThat(object.contrast()).isGreaterThan(0.03);
    }

    /** The picture twice, encoded as asked, in Matroska. */
    private static Path twoFrames(Path file, RgbImage picture, int codec, int pixelFormat) throws IOException {
        int w = picture.width();
        int h = picture.height();
        try (FFmpegFrameRecorder rec = new FFmpegFrameRecorder(file.toFile(), w, h, 0)) {
            rec.setFormat("matroska");
            rec.setVideoCodec(codec);
            rec.setPixelFormat(pixelFormat);
            rec.setFrameRate(FPS);
            rec.setVideoQuality(1);
            rec.start();
            Frame frame = new Frame(w, h, Frame.DEPTH_UBYTE, 3);
            for (int y = 0; y < h; y++) {
                ((ByteBuffer) frame.image[0]).put(y * frame.imageStride, picture.rgb(), y * w * 3, w * 3);
            }
            rec.record(frame, avutil.AV_PIX_FMT_RGB24);
            rec.record(frame, avutil.AV_PIX_FMT_RGB24);
            rec.stop();
        }
        return file;
    }

    private static RgbImage gray(RgbImage img) {
        byte[] out = new byte[img.rgb().length];
        for (int i = 0; i < out.length; i += 3) {
            int l = (int) Math.round(0.299 * (img.rgb()[i] & 0xff) + 0.587 * (img.rgb()[i + 1] & 0xff)
                    + 0.114 * (img.rgb()[i + 2] & 0xff));
            out[i] = out[i + 1] = out[i + 2] = (byte) l;
        }
        return new RgbImage(img.width(), img.height(), out, img.timestamp());
    }
}
