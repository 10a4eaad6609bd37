package io.glimpse.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.glimpse.image.RgbImage;
import io.glimpse.io.BadInputException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VideoSourceTest {
    private static final int FPS = 10;

    @TempDir
    static Path dir;
    static SyntheticVideo video;
    static Path file;

    @BeforeAll
    static void writeVideo() throws IOException {
        video = new SyntheticVideo(SyntheticVideo.Spec.hardCuts(160, 120, FPS, 3, 2.0, 7));
        file = video.write(dir.resolve("three-scenes.mp4"));
    }

    private static List<RgbImage> read(Path path, Sampling sampling, FrameSize size) {
        try (VideoSource src = VideoSource.open(path)) {
            List<RgbImage> out = new ArrayList<>();
            src.forEachFrame(sampling, size, out::add);
            assertThat(src.lostRanges()).isEmpty();
            return out;
        }
    }

    static double meanAbsDiff(RgbImage a, RgbImage b) {
        long sum = 0;
        for (int i = 0; i < a.rgb().length; i++) {
            sum += Math.abs((a.rgb()[i] & 0xff) - (b.rgb()[i] & 0xff));
        }
        return (double) sum / a.rgb().length;
    }

    @Test
    void probeReportsTheStreamAsWritten() {
        try (VideoSource src = VideoSource.open(file)) {
            VideoInfo info = src.info();
            assertThat(info.width()).isEqualTo(160);
            assertThat(info.height()).isEqualTo(120);
            assertThat(info.fps()).isCloseTo(FPS, within(1e-6));
            assertThat(info.durationSeconds()).isCloseTo(6.0, within(0.1));
            assertThat(info.frameCountEstimate()).isBetween(59L, 61L);
            assertThat(info.still()).isFalse();
            assertThat(info.path()).isEqualTo(file);
        }
    }

    @Test
    void everyFrameComesBackOnceWithItsTimestamp() {
        List<RgbImage> frames = read(file, Sampling.all(), FrameSize.original());
        assertThat(frames).hasSize(60);
        for (int k = 0; k < frames.size(); k++) {
            assertThat(frames.get(k).timestamp()).isCloseTo(k / (double) FPS, within(1e-3));
        }
    }

    @Test
    void decodedPixelsMatchWhatWasDrawnAndDifferAcrossScenes() {
        List<RgbImage> frames = read(file, Sampling.all(), FrameSize.original());
        for (RgbImage f : frames) {
            int n = (int) Math.round(f.timestamp() * FPS);
            assertThat(meanAbsDiff(f, video.render(n))).as("frame %d", n).isLessThan(4.0);
        }
        // Scene boundaries at frames 20 and 40: the decoded frames either side are far apart.
        assertThat(meanAbsDiff(frames.get(19), frames.get(20))).isGreaterThan(20.0);
        assertThat(meanAbsDiff(frames.get(39), frames.get(40))).isGreaterThan(20.0);
    }

    @Test
    void fpsSamplingTakesTheFrameNearestEachInstant() {
        List<RgbImage> frames = read(file, Sampling.fps(2), FrameSize.original());
        assertThat(frames).hasSize(12);
        for (int k = 0; k < frames.size(); k++) {
            assertThat(frames.get(k).timestamp()).isCloseTo(k * 0.5, within(1.0 / FPS));
        }
    }

    /** Above the native rate a frame answers every instant it is on screen for, each at its own instant. */
    @Test
    void fpsAboveTheNativeRateGivesTheFrameOnScreenAtEachInstant() {
        List<RgbImage> frames = read(file, Sampling.fps(25), FrameSize.original());
        assertThat(frames).hasSize(150);
        for (int k = 0; k < frames.size(); k++) {
            RgbImage f = frames.get(k);
            int onScreen = (int) Math.floor(k / 25.0 * FPS + 1e-9);
            assertThat(f.timestamp()).isCloseTo(k / 25.0, within(1e-3));
            assertThat(meanAbsDiff(f, video.render(onScreen))).as("instant %d", k).isLessThan(4.0);
        }
    }

    @Test
    void countSamplingSpreadsFramesFromFirstToLast() {
        List<RgbImage> frames = read(file, Sampling.count(5), FrameSize.original());
        assertThat(frames).hasSize(5);
        double last = 5.9;
        for (int k = 0; k < 5; k++) {
            assertThat(frames.get(k).timestamp()).isCloseTo(last * k / 4, within(1.0 / FPS));
        }
    }

    @Test
    void seekingToDistantSamplesKeepsExactTimestampsAndPixels() throws IOException {
        SyntheticVideo longer = new SyntheticVideo(SyntheticVideo.Spec.hardCuts(96, 64, 5, 4, 6.0, 11));
        Path path = longer.write(dir.resolve("long.mp4"));
        List<RgbImage> frames = read(path, Sampling.count(4), FrameSize.original());
        assertThat(frames).hasSize(4);
        double last = 24.0 - 0.2;
        for (int k = 0; k < 4; k++) {
            RgbImage f = frames.get(k);
            assertThat(f.timestamp()).isCloseTo(last * k / 3, within(1e-6));
            // The frame on screen at that instant: the last one shown at or before it.
            int n = (int) Math.floor(f.timestamp() * 5 + 1e-6);
            assertThat(meanAbsDiff(f, longer.render(n))).as("frame %d", n).isLessThan(4.0);
        }
    }

    @Test
    void samplingAtListedInstantsReturnsExactlyThoseFramesOfAnEarlierPass() throws IOException {
        SyntheticVideo longer = new SyntheticVideo(SyntheticVideo.Spec.hardCuts(96, 64, 5, 4, 6.0, 13));
        Path path = longer.write(dir.resolve("listed.mp4"));
        List<RgbImage> all = read(path, Sampling.fps(1), FrameSize.original());
        int[] picks = {1, 2, 9, 17, 22};
        double[] times = java.util.Arrays.stream(picks).mapToDouble(i -> all.get(i).timestamp()).toArray();
        List<RgbImage> again = read(path, Sampling.at(times), FrameSize.original());
        assertThat(again).hasSize(picks.length);
        for (int k = 0; k < picks.length; k++) {
            assertThat(again.get(k).timestamp()).isEqualTo(times[k]);
            assertThat(again.get(k).rgb()).as("frame at %s s", times[k]).isEqualTo(all.get(picks[k]).rgb());
        }
    }

    @Test
    void framesAreResizedOnRequest() {
        List<RgbImage> small = read(file, Sampling.count(2), FrameSize.maxSide(64));
        assertThat(small).allSatisfy(f -> {
            assertThat(f.width()).isEqualTo(64);
            assertThat(f.height()).isEqualTo(48);
        });
        // Scaled while converted (swscale's area filter): close to converting at full size and resizing after.
        List<RgbImage> full = read(file, Sampling.count(2), FrameSize.original());
        for (int k = 0; k < 2; k++) {
            RgbImage reference = io.glimpse.image.Resize.fitWithin(full.get(k), 64, io.glimpse.image.Resize.Filter.AREA);
            assertThat(meanAbsDiff(small.get(k), reference)).as("frame %d", k).isLessThan(3.0);
        }
        List<RgbImage> exact = read(file, Sampling.count(1),
                FrameSize.exact(50, 30, io.glimpse.image.Resize.Filter.BICUBIC));
        assertThat(exact.get(0).width()).isEqualTo(50);
        assertThat(exact.get(0).height()).isEqualTo(30);
    }

    @Test
    void truncatedFileDecodesItsFrontAndReportsTheLostTail() throws IOException {
        Path cut = SyntheticVideo.truncatedCopy(file, dir.resolve("cut.mp4"), 0.5);
        try (VideoSource src = VideoSource.open(cut)) {
            List<RgbImage> frames = new ArrayList<>();
            src.forEachFrame(Sampling.all(), FrameSize.original(), frames::add);
            assertThat(frames).isNotEmpty().hasSizeLessThan(50);
            double lastTs = frames.get(frames.size() - 1).timestamp();
            assertThat(src.lostRanges()).hasSize(1);
            VideoSource.LostRange lost = src.lostRanges().get(0);
            assertThat(lost.start()).isCloseTo(lastTs + 0.1, within(1e-6));
            assertThat(lost.end()).isCloseTo(6.0, within(0.1));
            assertThat(src.warnings()).singleElement().asString()
                    .contains(cut.toString()).contains(String.format(java.util.Locale.ROOT, "%.2f", lost.start()))
                    .doesNotContain("\n");
            for (RgbImage f : frames) {
                assertThat(meanAbsDiff(f, video.render((int) Math.round(f.timestamp() * FPS)))).isLessThan(4.0);
            }
        }
        // Sampling that seeks past the end of the data still finds where the data stops.
        try (VideoSource src = VideoSource.open(cut)) {
            List<RgbImage> frames = new ArrayList<>();
            src.forEachFrame(Sampling.count(2), FrameSize.original(), frames::add);
            assertThat(frames).singleElement().satisfies(f -> assertThat(f.timestamp()).isZero());
            assertThat(src.lostRanges()).singleElement().satisfies(r -> {
                assertThat(r.start()).isBetween(1.0, 5.0);
                assertThat(r.end()).isCloseTo(6.0, within(0.1));
            });
        }
    }

    @Test
    void corruptionInTheMiddleDropsFramesUntilTheNextKeyframeAndReportsTheSpan() throws IOException {
        Path bad = SyntheticVideo.corruptedCopy(file, dir.resolve("bad.mp4"), 0.4, 0.5, 5);
        try (VideoSource src = VideoSource.open(bad)) {
            List<RgbImage> frames = new ArrayList<>();
            src.forEachFrame(Sampling.all(), FrameSize.original(), frames::add);
            for (RgbImage f : frames) {
                int n = (int) Math.round(f.timestamp() * FPS);
                assertThat(meanAbsDiff(f, video.render(n))).as("frame %d", n).isLessThan(4.0);
            }
            assertThat(src.lostRanges()).isNotEmpty().allSatisfy(r -> {
                assertThat(r.start()).isGreaterThan(0.5);
                assertThat(r.end()).isGreaterThan(r.start()).isLessThan(5.5);
            });
            // Every frame is either delivered or inside a reported lost range.
            for (int n = 0; n < 60; n++) {
                double t = n / (double) FPS;
                boolean delivered = frames.stream().anyMatch(f -> Math.abs(f.timestamp() - t) < 1e-3);
                boolean reported = src.lostRanges().stream().anyMatch(r -> t >= r.start() - 1e-3 && t < r.end());
                assertThat(delivered || reported).as("frame %d accounted for", n).isTrue();
            }
            assertThat(src.warnings()).hasSameSizeAs(src.lostRanges());
        }
    }

    /**
     * Sparse and variable-frame-rate streams: frames far apart in a 25 fps container, a burst at the full rate, a
     * frame held 4 s. FFmpeg decodes them without an error, so nothing is lost; sampling at f fps gives one
     * candidate per 1/f s, each the frame on screen at its time.
     */
    /** Spans in a sparse stream, where a seek to a span lands on the frame long before it: each span is done once. */
    @Test
    @org.junit.jupiter.api.Timeout(value = 60, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void spansInASparseStreamEndWhereSeeksLandShort() throws IOException {
        SyntheticVideo source = new SyntheticVideo(SyntheticVideo.Spec.hardCuts(96, 64, 10, 4, 6.0, 3));
        Path sparse = source.writeAt(dir.resolve("spans-sparse.mp4"), "mp4", 0, 6.0, 11.6, 18.0);
        List<Double> seen = new ArrayList<>();
        try (VideoSource src = VideoSource.open(sparse)) {
            src.frames(Sampling.spans(new double[] {4, 10}, new double[] {6, 12}), FrameSize.original())
                    .forEachRemaining(f -> seen.add(f.timestamp()));
        }
        assertThat(seen).hasSize(2);
        assertThat(seen.get(0)).isCloseTo(6.0, within(1e-3));
        assertThat(seen.get(1)).isCloseTo(11.6, within(1e-3));
    }

    @Test
    void sparseAndVariableRateStreamsAreSampledByTimestampWithoutLoss() throws IOException {
        SyntheticVideo source = new SyntheticVideo(SyntheticVideo.Spec.hardCuts(96, 64, 25, 3, 4.0, 21));
        double[] shown = {0, 1.2, 1.24, 1.28, 1.32, 3.0, 7.0, 7.04, 9.6, 11.96};
        for (String format : List.of("avi", "mp4", "matroska")) {
            Path sparse = source.writeAt(dir.resolve("sparse." + format), format, shown);
            for (double fps : new double[] {1, 4}) {
                try (VideoSource src = VideoSource.open(sparse)) {
                    double duration = src.info().durationSeconds();
                    List<RgbImage> frames = new ArrayList<>();
                    src.forEachFrame(Sampling.fps(fps), FrameSize.original(), frames::add);
                    assertThat(src.warnings()).as("%s at %s fps", format, fps).isEmpty();
                    assertThat((double) frames.size()).as("%s at %s fps", format, fps)
                            .isCloseTo(duration * fps, within(1.0));
                    for (RgbImage f : frames) {
                        double onScreen = 0;
                        for (double t : shown) {
                            onScreen = t <= f.timestamp() + 0.02 ? t : onScreen;
                        }
                        assertThat(meanAbsDiff(f, source.render((int) Math.round(onScreen * 25))))
                                .as("%s at %s fps, candidate at %.2f s", format, fps, f.timestamp()).isLessThan(4.0);
                    }
                }
            }
        }
    }

    /**
     * Frames only at 0, 2 and 4 s, in containers that state 25 fps, 1 fps or (mp4) no rate at all, so the average
     * rate is 0.5–0.75 fps: sampling at 1 fps still gives a candidate a second, each the frame on screen then.
     */
    @Test
    void aStreamSparserThanTheSamplingRateHoldsEachFrameUntilTheNext() throws IOException {
        double[] shown = {0, 2, 4};
        for (int rate : new int[] {25, 1}) {
            SyntheticVideo source = new SyntheticVideo(SyntheticVideo.Spec.hardCuts(64, 48, rate, 3, 2.0, 17));
            for (String format : List.of("avi", "mp4", "matroska")) {
                Path sparse = source.writeAt(dir.resolve("every2s-" + rate + "." + format), format, shown);
                try (VideoSource src = VideoSource.open(sparse)) {
                    double duration = src.info().durationSeconds();
                    List<RgbImage> frames = new ArrayList<>();
                    src.forEachFrame(Sampling.fps(1), FrameSize.original(), frames::add);
                    String what = String.format(java.util.Locale.ROOT, "%s stating %d fps", format, rate);
                    assertThat(src.warnings()).as(what).isEmpty();
                    assertThat((double) frames.size()).as(what).isCloseTo(duration, within(1.0));
                    assertThat(frames.size()).as(what).isGreaterThanOrEqualTo(4);
                    for (int k = 0; k < frames.size(); k++) {
                        RgbImage f = frames.get(k);
                        assertThat(f.timestamp()).as(what).isCloseTo(k, within(1e-3));
                        int onScreen = (int) Math.round(Math.floor(k / 2.0) * 2 * rate);
                        assertThat(meanAbsDiff(f, source.render(onScreen))).as("%s at %d s", what, k).isLessThan(4.0);
                    }
                    // A later pass at some of those instants (as plan's second pass asks) finds the same frames.
                    double[] times = {frames.get(1).timestamp(), frames.get(3).timestamp()};
                    List<RgbImage> again = read(sparse, Sampling.at(times), FrameSize.original());
                    assertThat(again).extracting(RgbImage::timestamp).as(what).containsExactly(times[0], times[1]);
                    assertThat(again.get(0).rgb()).as(what).isEqualTo(frames.get(1).rgb());
                    assertThat(again.get(1).rgb()).as(what).isEqualTo(frames.get(3).rgb());
                }
            }
        }
    }

    /**
     * A sparse stream cut short still reports its lost tail: holding frames across gaps does not hide loss. (An
     * AVI cut short states no duration of its own to fall short of, so only containers that keep one are tried.)
     */
    @Test
    void aTruncatedSparseStreamWarnsNamingTheLostRange() throws IOException {
        SyntheticVideo source = new SyntheticVideo(SyntheticVideo.Spec.hardCuts(96, 64, 25, 4, 5.0, 23));
        double[] shown = new double[10];
        for (int k = 0; k < shown.length; k++) {
            shown[k] = 2.0 * k;
        }
        for (String format : List.of("mp4", "matroska")) {
            Path whole = source.writeAt(dir.resolve("sparse-whole." + format), format, shown);
            Path cut = SyntheticVideo.truncatedCopy(whole, dir.resolve("sparse-cut." + format), 0.5);
            try (VideoSource src = VideoSource.open(cut)) {
                List<RgbImage> frames = new ArrayList<>();
                src.forEachFrame(Sampling.fps(1), FrameSize.original(), frames::add);
                double lastTs = frames.get(frames.size() - 1).timestamp();
                assertThat(lastTs).as(format).isLessThan(16.0);
                assertThat(src.lostRanges()).as(format).singleElement().satisfies(r -> {
                    assertThat(r.cause()).isEqualTo(VideoSource.LossCause.TRUNCATED);
                    // From where the last frame decoded stops being shown (the next frame's time, as far as the
                    // index says, or one tick in a container without one) to the stated end.
                    assertThat(r.start()).isGreaterThan(lastTs).isLessThanOrEqualTo(Math.floor(lastTs / 2) * 2 + 2.001);
                    assertThat(r.end()).isCloseTo(18.04, within(0.1));
                });
                VideoSource.LostRange r = src.lostRanges().get(0);
                assertThat(src.warnings()).as(format).singleElement().asString().contains(cut.toString())
                        .contains(String.format(java.util.Locale.ROOT, "%.2f-%.2f s", r.start(), r.end()))
                        .contains("the file ends early");
            }
        }
    }

    /** Audio running on after the last picture is normal, not lost video. */
    @Test
    void audioOutlastingTheVideoIsNotReportedAsLoss() throws Exception {
        SyntheticVideo short3s = new SyntheticVideo(SyntheticVideo.Spec.hardCuts(64, 48, FPS, 3, 1.0, 5));
        Path mkv = dir.resolve("with-audio.mkv");
        try (FFmpegFrameRecorder rec = new FFmpegFrameRecorder(mkv.toFile(), 64, 48, 1)) {
            rec.setFormat("matroska");
            rec.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
            rec.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            rec.setFrameRate(FPS);
            rec.setAudioCodec(avcodec.AV_CODEC_ID_PCM_S16LE);
            rec.setSampleRate(8000);
            rec.start();
            Frame frame = new Frame(64, 48, Frame.DEPTH_UBYTE, 3);
            for (int n = 0; n < short3s.frameCount(); n++) {
                byte[] rgb = short3s.render(n).rgb();
                for (int y = 0; y < 48; y++) {
                    ((ByteBuffer) frame.image[0]).put(y * frame.imageStride, rgb, y * 64 * 3, 64 * 3);
                }
                rec.record(frame, avutil.AV_PIX_FMT_RGB24);
            }
            rec.recordSamples(8000, 1, ShortBuffer.wrap(new short[8000 * 5]));
            rec.stop();
        }
        try (VideoSource src = VideoSource.open(mkv)) {
            assertThat(src.info().durationSeconds()).isCloseTo(3.0, within(0.15));
            List<RgbImage> frames = new ArrayList<>();
            src.forEachFrame(Sampling.count(3), FrameSize.original(), frames::add);
            assertThat(frames).hasSize(3);
            assertThat(frames.get(2).timestamp()).isCloseTo(2.9, within(0.15));
            assertThat(src.warnings()).isEmpty();
        }
        assertThat(read(mkv, Sampling.all(), FrameSize.original())).hasSize(30);
    }

    /** A portrait phone clip is stored landscape with a display matrix; frames must come out upright. */
    @Test
    void displayRotationIsApplied() throws Exception {
        RgbImage picture = new SyntheticVideo(SyntheticVideo.Spec.hardCuts(64, 48, FPS, 1, 0.3, 8)).render(0);
        // JavaCV's setDisplayRotation(a) stores a display matrix that FFmpeg reads back as a counter-clockwise
        // turn by a (av_display_rotation_get = a); the ffmpeg tool then shows the picture turned a degrees
        // counter-clockwise, i.e. clockwise by 360 - a.
        for (int counterClockwise : new int[] {90, 180, 270}) {
            Path mp4 = dir.resolve("turned" + counterClockwise + ".mp4");
            try (FFmpegFrameRecorder rec = new FFmpegFrameRecorder(mp4.toFile(), 64, 48, 0)) {
                rec.setFormat("mp4");
                rec.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
                rec.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
                rec.setFrameRate(FPS);
                rec.setVideoQuality(2);
                rec.setDisplayRotation(counterClockwise);
                rec.start();
                Frame frame = new Frame(64, 48, Frame.DEPTH_UBYTE, 3);
                for (int y = 0; y < 48; y++) {
                    ((ByteBuffer) frame.image[0]).put(y * frame.imageStride, picture.rgb(), y * 64 * 3, 64 * 3);
                }
                rec.record(frame, avutil.AV_PIX_FMT_RGB24);
                rec.stop();
            }
            RgbImage expected = turnClockwise(picture, (4 - counterClockwise / 90) % 4);
            try (VideoSource src = VideoSource.open(mp4)) {
                assertThat(src.info().width()).isEqualTo(expected.width());
                assertThat(src.info().height()).isEqualTo(expected.height());
                RgbImage got = src.frames(Sampling.all(), FrameSize.original()).next();
                assertThat(meanAbsDiff(got, expected)).as("%d degrees", counterClockwise).isLessThan(4.0);
            }
            try (VideoSource src = VideoSource.open(mp4)) {
                RgbImage small = src.frames(Sampling.all(), FrameSize.maxSide(32)).next();
                RgbImage reference = io.glimpse.image.Resize.fitWithin(expected, 32, io.glimpse.image.Resize.Filter.AREA);
                assertThat(List.of(small.width(), small.height())).containsExactly(reference.width(), reference.height());
                assertThat(meanAbsDiff(small, reference)).as("%d degrees, scaled", counterClockwise).isLessThan(6.0);
            }
        }
    }

    /** Reference rotation written independently of VideoSource: pixel (x, y) moves to (h-1-y, x) per turn. */
    private static RgbImage turnClockwise(RgbImage img, int turns) {
        for (int t = 0; t < turns; t++) {
            int w = img.width();
            int h = img.height();
            byte[] out = new byte[img.rgb().length];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    System.arraycopy(img.rgb(), (y * w + x) * 3, out, (x * h + (h - 1 - y)) * 3, 3);
                }
            }
            img = new RgbImage(h, w, out, img.timestamp());
        }
        return img;
    }

    @Test
    void audioOnlyFileIsRejectedNamingTheFile() throws IOException {
        Path wav = SyntheticVideo.writeAudioOnly(dir.resolve("tone.wav"), 0.5);
        assertThatThrownBy(() -> VideoSource.open(wav)).isInstanceOf(BadInputException.class)
                .hasMessageStartingWith(wav.toString()).hasMessageContaining("no video stream");
    }

    @Test
    void garbageAndTextFilesAreRejectedNamingTheFile() throws IOException {
        byte[] noise = new byte[4096];
        new Random(3).nextBytes(noise);
        Path junk = Files.write(dir.resolve("junk.mp4"), noise);
        Path text = Files.writeString(dir.resolve("notes.txt"), "this is not a video\n");
        for (Path p : List.of(junk, text)) {
            assertThatThrownBy(() -> VideoSource.open(p)).isInstanceOf(BadInputException.class)
                    .hasMessageStartingWith(p.toString()).message().doesNotContain("\n");
        }
        assertThatThrownBy(() -> VideoSource.open(dir.resolve("absent.mp4")))
                .isInstanceOf(BadInputException.class).hasMessageContaining("no such file");
    }

    @Test
    void stillImageIsOneFrameAtTimeZero() throws IOException {
        BufferedImage img = new BufferedImage(7, 5, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < 7; x++) {
                img.setRGB(x, y, (x * 36) << 16 | (y * 60) << 8 | (x * y * 9));
            }
        }
        Path png = dir.resolve("pixel-art.png");
        ImageIO.write(img, "png", png.toFile());
        try (VideoSource src = VideoSource.open(png)) {
            assertThat(src.info().still()).isTrue();
            assertThat(src.info().frameCountEstimate()).isEqualTo(1);
            List<RgbImage> frames = new ArrayList<>();
            src.forEachFrame(Sampling.fps(30), FrameSize.original(), frames::add);
            assertThat(frames).singleElement().satisfies(f -> {
                assertThat(f.timestamp()).isZero();
                assertThat(f.get(3, 2, 0)).isEqualTo(108);
                assertThat(f.get(3, 2, 1)).isEqualTo(120);
                assertThat(f.get(3, 2, 2)).isEqualTo(54);
            });
        }
    }

    @Test
    void jpegIsOneFrameCloseToWhatJavaDecodes() throws IOException {
        BufferedImage img = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 64; x++) {
                img.setRGB(x, y, (x * 4) << 16 | (y * 5) << 8 | 128);
            }
        }
        Path jpg = dir.resolve("gradient.jpg");
        ImageIO.write(img, "jpg", jpg.toFile());
        BufferedImage reference = ImageIO.read(jpg.toFile());
        assertThat(VideoSource.probe(jpg).still()).isTrue();
        List<RgbImage> frames = read(jpg, Sampling.count(8), FrameSize.original());
        assertThat(frames).singleElement().satisfies(f -> {
            assertThat(f.width()).isEqualTo(64);
            assertThat(f.height()).isEqualTo(48);
            long err = 0;
            for (int y = 0; y < 48; y++) {
                for (int x = 0; x < 64; x++) {
                    int rgb = reference.getRGB(x, y);
                    err += Math.abs(f.get(x, y, 0) - (rgb >> 16 & 0xff)) + Math.abs(f.get(x, y, 1) - (rgb >> 8 & 0xff))
                            + Math.abs(f.get(x, y, 2) - (rgb & 0xff));
                }
            }
            // Two JPEG decoders differ in IDCT and chroma upsampling by a level or two, not more.
            assertThat(err / (64.0 * 48 * 3)).isLessThan(2.0);
        });
    }

    @Test
    void aSourceIsReadOnce() {
        try (VideoSource src = VideoSource.open(file)) {
            src.frames(Sampling.count(1), FrameSize.original());
            assertThatThrownBy(() -> src.frames(Sampling.count(1), FrameSize.original()))
                    .isInstanceOf(IllegalStateException.class);
        }
    }
}
