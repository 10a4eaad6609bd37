package io.glimpse.media;

import io.glimpse.image.RgbImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameRecorder;

/**
 * A deterministic test video with known scene boundaries: each scene is a coloured background with panning
 * stripes and a bouncing box (so frames inside a scene are similar, never identical), and consecutive scenes meet
 * in a hard cut or a cross-dissolve. The content is cheap to draw (about 2 ms per 720p frame) and MPEG-4 Part 2
 * encodes it in about 8 ms of one core per frame, so a ten-minute 720p video at 30 fps takes two to three
 * minutes. The exact pixels of any frame are available from {@link #render(int)}.
 */
public final class SyntheticVideo {

    public enum TransitionKind { CUT, FADE }

    /**
     * A scene boundary. For a CUT, start == time == end and the frame at {@code time} is the first of the new
     * scene; a FADE blends the two scenes over [start, end) and is centred on time.
     */
    public record Transition(TransitionKind kind, double time, double start, double end) {
    }

    /**
     * What to draw.
     *
     * @param width        even, at least 16
     * @param height       even, at least 16
     * @param sceneSeconds length of each scene, each longer than fadeSeconds
     * @param transitions  kind of each boundary, one fewer than the scenes
     * @param fadeSeconds  length of every FADE
     */
    public record Spec(int width, int height, int fps, List<Double> sceneSeconds,
                       List<TransitionKind> transitions, double fadeSeconds, long seed) {
        public Spec {
            sceneSeconds = List.copyOf(sceneSeconds);
            transitions = List.copyOf(transitions);
            if (width < 16 || height < 16 || width % 2 != 0 || height % 2 != 0) {
                throw new IllegalArgumentException("video size must be even and at least 16x16, got "
                        + width + "x" + height);
            }
            if (fps <= 0) {
                throw new IllegalArgumentException("fps must be positive, got " + fps);
            }
            if (sceneSeconds.isEmpty() || transitions.size() != sceneSeconds.size() - 1) {
                throw new IllegalArgumentException("need at least one scene and one transition per boundary, got "
                        + sceneSeconds.size() + " scenes and " + transitions.size() + " transitions");
            }
            for (double s : sceneSeconds) {
                if (!(s > fadeSeconds) || s * fps < 1) {
                    throw new IllegalArgumentException("each scene must last at least one frame and longer than the "
                            + "fade (" + fadeSeconds + " s), got " + s);
                }
            }
            if (!(fadeSeconds >= 0)) {
                throw new IllegalArgumentException("fade length must be non-negative, got " + fadeSeconds);
            }
        }

        /** Scenes of equal length separated by hard cuts. */
        public static Spec hardCuts(int width, int height, int fps, int scenes, double sceneSeconds, long seed) {
            return new Spec(width, height, fps, Collections.nCopies(scenes, sceneSeconds),
                    Collections.nCopies(scenes - 1, TransitionKind.CUT), 0.0, seed);
        }

        /**
         * About totalSeconds of scenes lasting 3 to 9 s (drawn from the seed), every third boundary a one-second
         * cross-dissolve and the rest hard cuts.
         */
        public static Spec varied(int width, int height, int fps, double totalSeconds, long seed) {
            SplittableRandom rng = new SplittableRandom(seed);
            List<Double> scenes = new ArrayList<>();
            List<TransitionKind> kinds = new ArrayList<>();
            double total = 0;
            while (total < totalSeconds) {
                double s = Math.min(3 + rng.nextInt(7), Math.max(2, totalSeconds - total));
                if (!scenes.isEmpty()) {
                    kinds.add(scenes.size() % 3 == 2 ? TransitionKind.FADE : TransitionKind.CUT);
                }
                scenes.add(s);
                total += s;
            }
            return new Spec(width, height, fps, scenes, kinds, 1.0, seed);
        }
    }

    /** One scene's look, fixed by the seed. */
    private record Scene(byte[] background, byte[] stripe, byte[] box, int stripeDx, int stripeDy, int period,
                         double panSpeed, int boxW, int boxH, double boxX0, double boxY0, double boxVx,
                         double boxVy) {
    }

    private final Spec spec;
    private final Scene[] scenes;
    /** First frame index of each scene's boundary (index i: boundary between scene i and i+1). */
    private final int[] boundaryFrames;
    private final int frameCount;

    public SyntheticVideo(Spec spec) {
        this.spec = spec;
        int n = spec.sceneSeconds().size();
        this.scenes = new Scene[n];
        SplittableRandom rng = new SplittableRandom(spec.seed());
        double hue0 = rng.nextDouble();
        for (int i = 0; i < n; i++) {
            scenes[i] = scene(rng.split(), (hue0 + i * 0.381966) % 1.0);
        }
        this.boundaryFrames = new int[n - 1];
        double t = 0;
        for (int i = 0; i < n - 1; i++) {
            t += spec.sceneSeconds().get(i);
            boundaryFrames[i] = (int) Math.round(t * spec.fps());
        }
        this.frameCount = (int) Math.round((t + spec.sceneSeconds().get(n - 1)) * spec.fps());
    }

    private Scene scene(SplittableRandom rng, double hue) {
        // Hues a golden-ratio step apart keep neighbouring scenes far apart in colour.
        byte[] bg = hsv(hue, 0.55 + 0.35 * rng.nextDouble(), 0.45 + 0.4 * rng.nextDouble());
        byte[] stripe = shade(bg, rng.nextBoolean() ? 24 : -24);
        byte[] box = hsv((hue + 0.5) % 1.0, 0.8, 0.95);
        int[][] dirs = {{1, 0}, {0, 1}, {1, 1}, {1, -1}};
        int[] dir = dirs[rng.nextInt(dirs.length)];
        double unit = spec.width() / 640.0;
        int period = Math.max(8, (int) Math.round((24 + rng.nextInt(56)) * unit));
        int boxW = Math.max(2, spec.width() / 6);
        int boxH = Math.max(2, spec.height() / 5);
        return new Scene(bg, stripe, box, dir[0], dir[1], period, (10 + 30 * rng.nextDouble()) * unit,
                boxW, boxH, rng.nextDouble() * (spec.width() - boxW), rng.nextDouble() * (spec.height() - boxH),
                (40 + 80 * rng.nextDouble()) * unit * (rng.nextBoolean() ? 1 : -1),
                (30 + 60 * rng.nextDouble()) * unit * (rng.nextBoolean() ? 1 : -1));
    }

    public Spec spec() {
        return spec;
    }

    public int frameCount() {
        return frameCount;
    }

    public double durationSeconds() {
        return (double) frameCount / spec.fps();
    }

    /** Ground truth: every scene boundary in time order. */
    public List<Transition> transitions() {
        List<Transition> out = new ArrayList<>();
        for (int i = 0; i < boundaryFrames.length; i++) {
            double time = (double) boundaryFrames[i] / spec.fps();
            if (spec.transitions().get(i) == TransitionKind.CUT) {
                out.add(new Transition(TransitionKind.CUT, time, time, time));
            } else {
                double half = spec.fadeSeconds() / 2;
                out.add(new Transition(TransitionKind.FADE, time, time - half, time + half));
            }
        }
        return out;
    }

    /** Index of the scene frame n shows (during a fade: the scene it fades out of until the fade's centre). */
    public int sceneOf(int frame) {
        int s = 0;
        while (s < boundaryFrames.length && frame >= boundaryFrames[s]) {
            s++;
        }
        return s;
    }

    /** The exact pixels drawn for frame n (before encoding), timestamped n / fps. */
    public RgbImage render(int frame) {
        if (frame < 0 || frame >= frameCount) {
            throw new IllegalArgumentException("frame " + frame + " outside 0.." + (frameCount - 1));
        }
        byte[] out = new byte[spec.width() * spec.height() * 3];
        renderInto(frame, out, new byte[out.length]);
        return new RgbImage(spec.width(), spec.height(), out, (double) frame / spec.fps());
    }

    private void renderInto(int frame, byte[] out, byte[] scratch) {
        double t = (double) frame / spec.fps();
        int s = sceneOf(frame);
        draw(scenes[s], t, out);
        int fadeFrames = (int) Math.round(spec.fadeSeconds() * spec.fps());
        // A fade centred on boundary b covers frames [b - fade/2, b + fade/2): blend the scene before and after.
        for (int b = Math.max(0, s - 1); b <= Math.min(s, boundaryFrames.length - 1); b++) {
            if (spec.transitions().get(b) != TransitionKind.FADE) {
                continue;
            }
            int start = boundaryFrames[b] - fadeFrames / 2;
            if (frame >= start && frame < start + fadeFrames) {
                int alpha = (int) Math.round(256.0 * (frame - start + 0.5) / fadeFrames);
                draw(scenes[b == s ? s + 1 : s - 1], t, scratch);
                byte[] from = b == s ? out : scratch;
                byte[] to = b == s ? scratch : out;
                for (int i = 0; i < out.length; i++) {
                    out[i] = (byte) (((from[i] & 0xff) * (256 - alpha) + (to[i] & 0xff) * alpha + 128) >> 8);
                }
            }
        }
    }

    /** Draws a scene at time t: background, stripes panning along their normal, the bouncing box. */
    private void draw(Scene sc, double t, byte[] out) {
        int w = spec.width();
        int h = spec.height();
        int row = w * 3;
        int p = sc.period();
        // A row of the stripe pattern one period longer than the frame: any row is a shifted slice of it.
        byte[] template = new byte[(w + p) * 3];
        for (int x = 0; x < w + p; x++) {
            System.arraycopy(x % p < p / 2 ? sc.stripe() : sc.background(), 0, template, x * 3, 3);
        }
        int phase = (int) Math.floor(sc.panSpeed() * t);
        for (int y = 0; y < h; y++) {
            int u = Math.floorMod(y * sc.stripeDy() + phase, p);
            if (sc.stripeDx() == 0) {
                // Horizontal stripes: the whole row has one colour; its first pixel in the template picks it.
                System.arraycopy(template, u * 3, out, y * row, 3);
                fillRow(out, y * row, row);
            } else {
                System.arraycopy(template, u * 3, out, y * row, row);
            }
        }
        int bx = bounce(sc.boxX0() + sc.boxVx() * t, w - sc.boxW());
        int by = bounce(sc.boxY0() + sc.boxVy() * t, h - sc.boxH());
        for (int y = by; y < by + sc.boxH(); y++) {
            int o = (y * w + bx) * 3;
            System.arraycopy(sc.box(), 0, out, o, 3);
            fillRow(out, o, sc.boxW() * 3);
        }
    }

    /** Repeats the pixel at out[off..off+3) over out[off..off+len), doubling the copied span each step. */
    private static void fillRow(byte[] out, int off, int len) {
        for (int done = 3; done < len; done *= 2) {
            System.arraycopy(out, off, out, off + done, Math.min(done, len - done));
        }
    }

    /** Position moving freely on a line folded back and forth into [0, range]. */
    private static int bounce(double pos, int range) {
        if (range <= 0) {
            return 0;
        }
        double m = pos % (2.0 * range);
        if (m < 0) {
            m += 2.0 * range;
        }
        return (int) (m <= range ? m : 2.0 * range - m);
    }

    /** An sRGB colour from hue, saturation and value, each in [0, 1]. */
    static byte[] hsv(double h, double s, double v) {
        double c = v * s;
        double hp = h * 6;
        double x = c * (1 - Math.abs(hp % 2 - 1));
        double[] rgb = switch ((int) hp % 6) {
            case 0 -> new double[] {c, x, 0};
            case 1 -> new double[] {x, c, 0};
            case 2 -> new double[] {0, c, x};
            case 3 -> new double[] {0, x, c};
            case 4 -> new double[] {x, 0, c};
            default -> new double[] {c, 0, x};
        };
        byte[] out = new byte[3];
        for (int i = 0; i < 3; i++) {
            out[i] = (byte) Math.round((rgb[i] + v - c) * 255);
        }
        return out;
    }

    private static byte[] shade(byte[] rgb, int delta) {
        byte[] out = new byte[3];
        for (int i = 0; i < 3; i++) {
            out[i] = (byte) Math.max(0, Math.min(255, (rgb[i] & 0xff) + delta));
        }
        return out;
    }

    /**
     * Encodes the video to file (MPEG-4 Part 2 in MP4, index at the front so a truncated copy still probes, one
     * keyframe per second) and returns file.
     */
    public Path write(Path file) throws IOException {
        FfmpegLog.configure();
        Files.createDirectories(file.toAbsolutePath().getParent());
        int w = spec.width();
        int h = spec.height();
        try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toFile(), w, h, 0)) {
            recorder.setFormat("mp4");
            recorder.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
            recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            recorder.setFrameRate(spec.fps());
            recorder.setGopSize(spec.fps());
            recorder.setVideoQuality(3);
            recorder.setOption("movflags", "+faststart");
            recorder.start();
            Frame frame = new Frame(w, h, Frame.DEPTH_UBYTE, 3);
            ByteBuffer buf = (ByteBuffer) frame.image[0];
            int stride = frame.imageStride;
            byte[] pixels = new byte[w * h * 3];
            byte[] scratch = new byte[pixels.length];
            for (int n = 0; n < frameCount; n++) {
                renderInto(n, pixels, scratch);
                for (int y = 0; y < h; y++) {
                    buf.put(y * stride, pixels, y * w * 3, w * 3);
                }
                recorder.record(frame, avutil.AV_PIX_FMT_RGB24);
            }
            recorder.stop();
        } catch (FrameRecorder.Exception e) {
            throw new IOException("could not encode synthetic video " + file + ": " + e.getMessage(), e);
        }
        return file;
    }

    /**
     * Encodes only the frames shown at the given instants (seconds, increasing, each a frame of this video), each
     * held until the next: a sparse or variable-frame-rate stream in a container of this video's nominal rate.
     * The format is FFmpeg's muxer name ("avi", "mp4", "matroska"); a keyframe every second of nominal frames; an
     * MP4's index goes at the front, so a truncated copy still probes.
     */
    public Path writeAt(Path file, String format, double... instants) throws IOException {
        FfmpegLog.configure();
        Files.createDirectories(file.toAbsolutePath().getParent());
        int w = spec.width();
        int h = spec.height();
        try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toFile(), w, h, 0)) {
            recorder.setFormat(format);
            recorder.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
            recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            recorder.setFrameRate(spec.fps());
            recorder.setGopSize(spec.fps());
            recorder.setVideoQuality(3);
            if (format.equals("mp4")) {
                recorder.setOption("movflags", "+faststart");
            }
            recorder.start();
            Frame frame = new Frame(w, h, Frame.DEPTH_UBYTE, 3);
            ByteBuffer buf = (ByteBuffer) frame.image[0];
            for (double t : instants) {
                byte[] pixels = render((int) Math.round(t * spec.fps())).rgb();
                for (int y = 0; y < h; y++) {
                    buf.put(y * frame.imageStride, pixels, y * w * 3, w * 3);
                }
                recorder.setTimestamp(Math.round(t * 1e6));
                recorder.record(frame, avutil.AV_PIX_FMT_RGB24);
            }
            recorder.stop();
        } catch (FrameRecorder.Exception e) {
            throw new IOException("could not encode synthetic video " + file + ": " + e.getMessage(), e);
        }
        return file;
    }

    /** Copies the first keepFraction of src's bytes to dst, as an interrupted download or copy would leave it. */
    public static Path truncatedCopy(Path src, Path dst, double keepFraction) throws IOException {
        if (!(keepFraction > 0 && keepFraction < 1)) {
            throw new IllegalArgumentException("keep fraction must be in (0, 1), got " + keepFraction);
        }
        long keep = (long) (Files.size(src) * keepFraction);
        try (InputStream in = Files.newInputStream(src); OutputStream out = Files.newOutputStream(dst)) {
            byte[] buf = new byte[1 << 16];
            long left = keep;
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    break;
                }
                out.write(buf, 0, n);
                left -= n;
            }
        }
        return dst;
    }

    /**
     * Copies src to dst with the bytes between the fractions from and to of its length overwritten by seeded
     * noise, as a bad disk sector or a broken transfer would leave it.
     */
    public static Path corruptedCopy(Path src, Path dst, double from, double to, long seed) throws IOException {
        if (!(from >= 0 && from < to && to <= 1)) {
            throw new IllegalArgumentException("need 0 <= from < to <= 1, got " + from + " and " + to);
        }
        byte[] bytes = Files.readAllBytes(src);
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = (int) (bytes.length * from); i < (int) (bytes.length * to); i++) {
            bytes[i] = (byte) rng.nextInt(256);
        }
        return Files.write(dst, bytes);
    }

    /** Writes a WAV file with a sine tone and no video stream: valid media that is not a video. */
    public static Path writeAudioOnly(Path file, double seconds) throws IOException {
        FfmpegLog.configure();
        int rate = 16000;
        try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toFile(), 1)) {
            recorder.setFormat("wav");
            recorder.setAudioCodec(avcodec.AV_CODEC_ID_PCM_S16LE);
            recorder.setSampleRate(rate);
            recorder.start();
            short[] samples = new short[(int) (seconds * rate)];
            for (int i = 0; i < samples.length; i++) {
                samples[i] = (short) (8000 * Math.sin(2 * Math.PI * 440 * i / rate));
            }
            recorder.recordSamples(rate, 1, ShortBuffer.wrap(samples));
            recorder.stop();
        } catch (FrameRecorder.Exception e) {
            throw new IOException("could not write audio file " + file + ": " + e.getMessage(), e);
        }
        return file;
    }
}
