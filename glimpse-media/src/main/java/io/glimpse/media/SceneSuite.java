package io.glimpse.media;

import io.glimpse.image.RgbImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameRecorder;

/**
 * A generated suite of short videos with known scene boundaries, made of what real footage does to a scene
 * detector: hard cuts between shots of one palette and similar luminance that differ only in layout, camera pans,
 * flashes, cross-dissolves, fades through black, black leaders, sparse and variable-frame-rate streams (frames
 * held for seconds), and a still shot with a small object moving through it. Every clip is a few seconds at
 * 320×180 and 25 fps, so the whole suite encodes in seconds.
 *
 * <p>Truth: a cut's time is the first frame of the new shot; a dissolve or fade spans [start, end). A black
 * leader is not a scene of its own: it opens the first shot, so no cut is due where it ends ({@link
 * Clip#leaderEnd}), and scorers should neither reward nor punish a detection there.
 */
public final class SceneSuite {
    public static final int WIDTH = 320;
    public static final int HEIGHT = 180;
    public static final int FPS = 25;

    public enum Kind { CUT, DISSOLVE, FADE_BLACK }

    /** A scene boundary; for a CUT start == end, the first frame of the new shot. */
    public record Transition(Kind kind, double start, double end) {
    }

    /**
     * A clip written to disk.
     *
     * @param leaderEnd end of the black leader in seconds, 0 without one
     */
    public record Clip(String name, Path file, double durationSeconds, List<Transition> truth, double leaderEnd) {
    }

    /** A rectangle or disc of one palette colour drifting slowly through the shot. */
    private record Shape(int colour, double x, double y, double w, double h, boolean disc, double vx, double vy) {
    }

    /**
     * One shot: a background of one palette colour with diagonal stripes of another, shapes, an optional pan
     * (pixels per second across a world wider than the frame) and an optional small object walking across.
     */
    private record Shot(int background, int stripe, int period, List<Shape> shapes, double pan, boolean walker) {
    }

    /** How a clip is built: shots with their lengths, the boundary kinds, flashes, leader, frames shown. */
    private record Script(String name, byte[][] palette, List<Shot> shots, List<Double> lengths, List<Kind> kinds,
                          double blend, double leader, List<Double> flashes, double[] shownAt) {
        double duration() {
            return leader + lengths.stream().mapToDouble(Double::doubleValue).sum();
        }
    }

    private SceneSuite() {
    }

    /** Writes every clip of the suite into dir (created if needed). */
    public static List<Clip> write(Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Clip> out = new ArrayList<>();
        for (Script s : scripts()) {
            Path file = dir.resolve(s.name() + (s.shownAt() != null ? ".mkv" : ".mp4"));
            encode(s, file);
            out.add(new Clip(s.name(), file, s.duration(), truth(s), s.leader()));
        }
        return out;
    }

    private static List<Script> scripts() {
        List<Script> out = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            out.add(script("same-palette-cuts-" + i, 100 + i, 3 + i % 2, Kind.CUT, 0, 0, List.of(), false, 0, false));
        }
        for (int i = 0; i < 4; i++) {
            out.add(script("pan-" + i, 200 + i, 1 + i % 2, Kind.CUT, 0, 0, List.of(), false, 40 + 15 * i, false));
        }
        for (int i = 0; i < 4; i++) {
            out.add(script("flash-" + i, 300 + i, 1 + i % 2, Kind.CUT, 0, 0, List.of(1.0 + 0.37 * i, 3.0),
                    false, 0, false));
        }
        for (int i = 0; i < 4; i++) {
            out.add(script("dissolve-" + i, 400 + i, 3, Kind.DISSOLVE, 0.6 + 0.2 * i, 0, List.of(), false, 0,
                    false));
        }
        for (int i = 0; i < 3; i++) {
            out.add(script("fade-black-" + i, 500 + i, 2 + i % 2, Kind.FADE_BLACK, 0.8 + 0.2 * i, 0, List.of(),
                    false, 0, false));
        }
        for (int i = 0; i < 3; i++) {
            out.add(script("black-leader-" + i, 600 + i, 2 + i % 2, Kind.CUT, 0, 1.0 + 0.5 * i, List.of(), false, 0,
                    false));
        }
        for (int i = 0; i < 3; i++) {
            out.add(script("sparse-" + i, 700 + i, 3, Kind.CUT, 0, 0, List.of(), false, 0, true));
        }
        for (int i = 0; i < 3; i++) {
            out.add(script("moving-object-" + i, 800 + i, 1 + i % 2, Kind.CUT, 0, 0, List.of(), true, 0, false));
        }
        return out;
    }

    private static Script script(String name, long seed, int shotCount, Kind kind, double blend, double leader,
                                 List<Double> flashes, boolean walker, double pan, boolean sparse) {
        SplittableRandom rng = new SplittableRandom(seed);
        byte[][] palette = palette(rng);
        List<Shot> shots = new ArrayList<>();
        List<Double> lengths = new ArrayList<>();
        List<Kind> kinds = new ArrayList<>();
        for (int s = 0; s < shotCount; s++) {
            shots.add(shot(rng, palette.length, walker, pan));
            // Lengths off the sampling grid, so cuts fall between the samples of 1 and 4 fps.
            double length = (shotCount == 1 ? 4.0 : 1.6) + (walker || pan > 0 ? 2.0 : 0) + 0.08 * rng.nextInt(12);
            lengths.add(Math.max(length, blend + 1.0));
            if (s > 0) {
                kinds.add(kind);
            }
        }
        double[] shownAt = null;
        if (sparse) {
            double total = leader + lengths.stream().mapToDouble(Double::doubleValue).sum();
            shownAt = sparseInstants(rng, total, boundaries(leader, lengths));
        }
        return new Script(name, palette, shots, lengths, kinds, blend, leader, flashes, shownAt);
    }

    /** Five colours of one warm hue family and close luminance: the shot/reverse-shot look of one set. */
    private static byte[][] palette(SplittableRandom rng) {
        double hue = 0.02 + 0.1 * rng.nextDouble();
        byte[][] p = new byte[5][];
        for (int i = 0; i < p.length; i++) {
            p[i] = SyntheticVideo.hsv((hue + 0.03 * i) % 1.0, 0.35 + 0.5 * rng.nextDouble(), 0.45 + 0.35 * rng.nextDouble());
        }
        return p;
    }

    private static Shot shot(SplittableRandom rng, int colours, boolean walker, double pan) {
        int background = rng.nextInt(colours);
        int stripe = (background + 1 + rng.nextInt(colours - 1)) % colours;
        List<Shape> shapes = new ArrayList<>();
        int count = 4 + rng.nextInt(4);
        // Wide enough for the pan, so the camera always shows some of the shapes.
        double world = WIDTH + Math.min(pan * 6, WIDTH * 1.5);
        for (int k = 0; k < count; k++) {
            int colour = (background + 1 + rng.nextInt(colours - 1)) % colours;
            double w = WIDTH * (0.1 + 0.25 * rng.nextDouble());
            double h = HEIGHT * (0.15 + 0.4 * rng.nextDouble());
            shapes.add(new Shape(colour, rng.nextDouble() * (world - w), rng.nextDouble() * (HEIGHT - h), w, h,
                    rng.nextBoolean(), 6 * (rng.nextDouble() - 0.5), 4 * (rng.nextDouble() - 0.5)));
        }
        return new Shot(background, stripe, 12 + rng.nextInt(30), shapes, pan, walker);
    }

    /** Frames at 4 fps with a burst at the full rate and a frame held up to 2.4 s, always one at each boundary. */
    private static double[] sparseInstants(SplittableRandom rng, double total, List<Double> boundaries) {
        List<Double> t = new ArrayList<>();
        double hold = 0.8 + 0.2 * rng.nextInt(9);
        double holdAt = 0.5 + rng.nextDouble();
        for (int n = 0; n < total * FPS; n++) {
            double time = (double) n / FPS;
            boolean onGrid = n % (FPS / 4) == 0 || (time >= 2.0 && time < 2.4);
            boolean held = time > holdAt && time < holdAt + hold;
            boolean boundary = boundaries.stream().anyMatch(b -> Math.round(b * FPS) == Math.round(time * FPS));
            if (boundary || (onGrid && !held)) {
                t.add(time);
            }
        }
        return t.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static List<Double> boundaries(double leader, List<Double> lengths) {
        List<Double> out = new ArrayList<>();
        double t = leader;
        for (int s = 0; s + 1 < lengths.size(); s++) {
            t += lengths.get(s);
            out.add((double) Math.round(t * FPS) / FPS);
        }
        return out;
    }

    private static List<Transition> truth(Script s) {
        List<Transition> out = new ArrayList<>();
        List<Double> b = boundaries(s.leader(), s.lengths());
        for (int k = 0; k < b.size(); k++) {
            double time = b.get(k);
            Kind kind = s.kinds().get(k);
            out.add(kind == Kind.CUT ? new Transition(kind, time, time)
                    : new Transition(kind, time - s.blend() / 2, time + s.blend() / 2));
        }
        return out;
    }

    private static void encode(Script s, Path file) throws IOException {
        FfmpegLog.configure();
        try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toFile(), WIDTH, HEIGHT, 0)) {
            recorder.setFormat(s.shownAt() != null ? "matroska" : "mp4");
            recorder.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
            recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            recorder.setFrameRate(FPS);
            recorder.setGopSize(FPS);
            recorder.setVideoQuality(3);
            recorder.start();
            Frame frame = new Frame(WIDTH, HEIGHT, Frame.DEPTH_UBYTE, 3);
            ByteBuffer buf = (ByteBuffer) frame.image[0];
            int frames = (int) Math.round(s.duration() * FPS);
            for (int n = 0; n < frames; n++) {
                double t = (double) n / FPS;
                if (s.shownAt() != null && Arrays.stream(s.shownAt()).noneMatch(x -> Math.abs(x - t) < 1e-6)) {
                    continue;
                }
                byte[] pixels = render(s, t).rgb();
                for (int y = 0; y < HEIGHT; y++) {
                    buf.put(y * frame.imageStride, pixels, y * WIDTH * 3, WIDTH * 3);
                }
                recorder.setTimestamp(Math.round(t * 1e6));
                recorder.record(frame, avutil.AV_PIX_FMT_RGB24);
            }
            recorder.stop();
        } catch (FrameRecorder.Exception e) {
            throw new IOException("could not encode suite clip " + file + ": " + e.getMessage(), e);
        }
    }

    /** The pixels of the clip at time t. */
    private static RgbImage render(Script s, double t) {
        byte[] out = new byte[WIDTH * HEIGHT * 3];
        if (t < s.leader()) {
            return new RgbImage(WIDTH, HEIGHT, out, t);
        }
        List<Double> b = boundaries(s.leader(), s.lengths());
        int shot = 0;
        while (shot < b.size() && t >= b.get(shot)) {
            shot++;
        }
        double shotStart = shot == 0 ? s.leader() : b.get(shot - 1);
        draw(s, shot, t - shotStart, out);
        for (int k = Math.max(0, shot - 1); k <= Math.min(shot, b.size() - 1); k++) {
            Kind kind = s.kinds().get(k);
            double from = b.get(k) - s.blend() / 2;
            if (kind == Kind.CUT || t < from || t >= from + s.blend()) {
                continue;
            }
            double alpha = (t - from) / s.blend();
            byte[] other = new byte[out.length];
            double otherStart = k == shot ? b.get(k) : (k == 0 ? s.leader() : b.get(k - 1));
            draw(s, k == shot ? k + 1 : k, t - otherStart, other);
            byte[] before = k == shot ? out : other;
            byte[] after = k == shot ? other : out;
            byte[] mixed = new byte[out.length];
            for (int i = 0; i < out.length; i++) {
                double v = kind == Kind.DISSOLVE ? (before[i] & 0xff) * (1 - alpha) + (after[i] & 0xff) * alpha
                        : alpha < 0.5 ? (before[i] & 0xff) * (1 - 2 * alpha) : (after[i] & 0xff) * (2 * alpha - 1);
                mixed[i] = (byte) Math.round(v);
            }
            System.arraycopy(mixed, 0, out, 0, out.length);
        }
        for (double f : s.flashes()) {
            if (t >= f && t < f + 3.0 / FPS) {
                for (int i = 0; i < out.length; i++) {
                    out[i] = (byte) Math.round(0.25 * (out[i] & 0xff) + 0.75 * 255);
                }
            }
        }
        return new RgbImage(WIDTH, HEIGHT, out, t);
    }

    private static void draw(Script s, int shotIndex, double u, byte[] out) {
        Shot shot = s.shots().get(shotIndex);
        byte[][] p = s.palette();
        double cam = Math.min(shot.pan() * u, WIDTH * 1.5);
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                int wx = (int) Math.floor(x + cam);
                byte[] c = Math.floorMod(wx + y, shot.period()) < shot.period() / 2 ? p[shot.stripe()] : p[shot.background()];
                System.arraycopy(c, 0, out, (y * WIDTH + x) * 3, 3);
            }
        }
        for (Shape sh : shot.shapes()) {
            double x0 = sh.x() + sh.vx() * u - cam;
            double y0 = sh.y() + sh.vy() * u;
            fill(out, x0, y0, sh.w(), sh.h(), sh.disc(), p[sh.colour()]);
        }
        if (shot.walker()) {
            double length = s.lengths().get(shotIndex);
            double w = WIDTH / 14.0;
            double x0 = -w + (WIDTH + w) * u / length;
            fill(out, x0, HEIGHT * 0.45, w, HEIGHT / 4.0, false, new byte[] {(byte) 40, (byte) 60, (byte) 200});
        }
    }

    private static void fill(byte[] out, double x0, double y0, double w, double h, boolean disc, byte[] colour) {
        int xa = Math.max(0, (int) Math.floor(x0));
        int xb = Math.min(WIDTH, (int) Math.ceil(x0 + w));
        int ya = Math.max(0, (int) Math.floor(y0));
        int yb = Math.min(HEIGHT, (int) Math.ceil(y0 + h));
        double cx = x0 + w / 2;
        double cy = y0 + h / 2;
        for (int y = ya; y < yb; y++) {
            for (int x = xa; x < xb; x++) {
                double dx = (x + 0.5 - cx) / (w / 2);
                double dy = (y + 0.5 - cy) / (h / 2);
                if (!disc || dx * dx + dy * dy <= 1) {
                    System.arraycopy(colour, 0, out, (y * WIDTH + x) * 3, 3);
                }
            }
        }
    }
}
