package io.glimpse.media;

import io.glimpse.image.LumaGrid;
import io.glimpse.image.RgbImage;
import io.glimpse.io.BadInputException;
import io.glimpse.io.HeapLimit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionaryEntry;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

/**
 * A video (or still image, as a one-frame video) opened through FFmpeg, streamed as sampled RGB frames with the
 * decoder's timestamps. Frames are decoded one at a time and never kept, so hour-long videos stream in constant
 * memory. Damage that makes the file unusable (unknown format, no video stream, no decodable frame) is a
 * {@link BadInputException} at {@link #open}; damage inside the stream (truncation, corrupt packets) loses time
 * ranges that are reported by {@link #lostRanges()} and {@link #warnings()} once the frames have been read.
 * <p>One pass per instance; not thread-safe.
 */
public final class VideoSource implements AutoCloseable {
    /** A wanted frame further ahead than this is reached by seeking rather than by decoding everything between. */
    private static final double SEEK_AHEAD_SECONDS = 3.0;
    /** Data that stops more than this many ticks before the stated duration has lost its tail. */
    private static final double GAP_FRAMES = 2.5;

    /** Why a span of the video is missing. */
    public enum LossCause {
        /** The decoder flagged frames as corrupt or concealed errors; the rest of that group of pictures was
         *  predicted from them and is dropped too. */
        CORRUPT("the decoder reported corrupt data"),
        /** The data stops before the duration the container states. */
        TRUNCATED("the file ends early");

        private final String reason;

        LossCause(String reason) {
            this.reason = reason;
        }
    }

    /**
     * Told of every intact frame a pass decodes, whether or not the sampling returns it, so a caller can follow the
     * video frame by frame at the cost of decoding alone (the pass decodes the frames between samples anyway).
     */
    public interface FrameWatcher {
        /**
         * @param timestamp seconds, as the frames the pass returns are stamped
         * @param grid      the frame at a glance, or null when its pixel format cannot be read that way
         * @param follows   false when frames since the last one the watcher was told of went undecoded: a seek
         *                  skipped them or damage was dropped (true for the video's first frame)
         */
        void decoded(double timestamp, LumaGrid grid, boolean follows);
    }

    /** A span of the video, in seconds, whose frames could not be decoded, and why. */
    public record LostRange(double start, double end, LossCause cause) {
        public LostRange(double start, double end) {
            this(start, end, LossCause.CORRUPT);
        }
    }

    private final Path path;
    private final FFmpegFrameGrabber grabber;
    private final VideoInfo info;
    private final long startMicros;
    /** Clockwise quarter turns that bring decoded pictures upright, from the stream's display matrix. */
    private final int quarterTurns;
    private final List<LostRange> lost = new ArrayList<>();
    private final RgbConverter converter = new RgbConverter();
    private final LumaSampler sampler = new LumaSampler();
    /** Told of each decoded frame during the pass, or null. */
    private FrameWatcher watcher;
    /** Whether the next intact frame decoded follows the last one: no seek or dropped frame since. */
    private boolean contiguous = true;
    /**
     * Shortest time between frames the stream can express (its real base rate, r_frame_rate), not the average
     * rate: a sparse stream's average says little about how its timestamps are rounded.
     */
    private final double tick;
    /**
     * How far after an instant a stored timestamp may lie and still be the frame for it: one unit of the stream's
     * time base (timestamps are rounded to it) plus JavaCV's microsecond, at most half a tick. It is not the frame
     * interval: in a sparse stream that would take a frame seconds early.
     */
    private final double slack;
    /** The first frame, decoded by open() to prove there is one, until the iterator hands it out. */
    private Decoded pending;
    /** A still JPEG's pixels as libjpeg decodes them ({@link StillJpeg}), used instead of FFmpeg's; else null. */
    private RgbImage jpegPixels;
    private boolean iterated;
    private boolean seekable = true;
    private double lastTimestamp = Double.NaN;
    private double furthestTimestamp = Double.NaN;
    /** How long the furthest frame decoded is to be shown, as the stream states it. */
    private double furthestDuration;
    /** Start of damage not yet followed by an intact keyframe; NaN when decoding is healthy. */
    private double lossStart = Double.NaN;

    /**
     * Decoders of FFmpeg's tty and bintext demuxers, which take any .txt, .nfo or .bin file for ANSI or BIN art and
     * "play" the text as frames; no camera or screen recording is stored that way.
     */
    private static final java.util.Set<String> TEXT_ART = java.util.Set.of("ansi", "bintext", "xbin", "idf");

    private VideoSource(Path path, FFmpegFrameGrabber grabber) {
        this.path = path;
        this.grabber = grabber;
        AVFormatContext oc = grabber.getFormatContext();
        this.startMicros = oc.start_time() != avutil.AV_NOPTS_VALUE ? oc.start_time() : 0;
        String format = grabber.getFormat();
        boolean still = format.endsWith("_pipe") || format.equals("image2");
        AVStream stream = oc.streams(grabber.getVideoStream());
        double duration = videoEnd(oc, stream, startMicros);
        double length = duration - Math.max(0, streamStart(stream, startMicros));
        double fps = grabber.getVideoFrameRate();
        if (!(fps > 0) || Double.isInfinite(fps)) {
            fps = 0;
        }
        // The display matrix holds a counter-clockwise angle; players turn the picture clockwise by its negation.
        double rotation = grabber.getDisplayRotation();
        this.quarterTurns = Double.isFinite(rotation) ? Math.floorMod((int) Math.round(-rotation / 90.0), 4) : 0;
        int width = quarterTurns % 2 == 0 ? grabber.getImageWidth() : grabber.getImageHeight();
        int height = quarterTurns % 2 == 0 ? grabber.getImageHeight() : grabber.getImageWidth();
        this.info = still
                ? new VideoInfo(path, format, width, height, 0, 0, 1, true)
                : new VideoInfo(path, format, width, height, fps, duration,
                        Math.max(1, Math.round(length * fps)), false);
        double base = avutil.av_q2d(stream.r_frame_rate());
        this.tick = base > 0 && Double.isFinite(base) && base >= fps ? 1.0 / base : info.frameDuration();
        double unit = stream.time_base().den() > 0 ? avutil.av_q2d(stream.time_base()) : 0;
        this.slack = Math.min(0.5 * tick, Math.max(0, unit) + 1e-6);
    }

    /**
     * When the video stream ends, in seconds on the frames' clock (container start = 0); 0 when unknown. The
     * stream's own duration is preferred because audio often runs past the last picture, making the container's
     * duration a poor guide to where frames stop.
     */
    private static double videoEnd(AVFormatContext oc, AVStream st, long startMicros) {
        AVRational tb = st.time_base();
        double streamStart = streamStart(st, startMicros);
        if (st.duration() != avutil.AV_NOPTS_VALUE && st.duration() > 0 && tb.den() > 0) {
            return streamStart + (double) st.duration() * tb.num() / tb.den();
        }
        // Matroska keeps per-track length only as a "DURATION" tag, formatted HH:MM:SS.fraction.
        AVDictionaryEntry tag = avutil.av_dict_get(st.metadata(), "DURATION", null, 0);
        if (tag != null) {
            String[] hms = tag.value().getString().trim().split(":");
            try {
                if (hms.length == 3) {
                    return streamStart + Integer.parseInt(hms[0]) * 3600.0 + Integer.parseInt(hms[1]) * 60.0
                            + Double.parseDouble(hms[2]);
                }
            } catch (NumberFormatException e) {
                // A malformed tag is no worse than a missing one: fall through to the container's duration.
            }
        }
        return oc.duration() != avutil.AV_NOPTS_VALUE && oc.duration() > 0
                ? oc.duration() / (double) avutil.AV_TIME_BASE : 0;
    }

    /** When the video stream's first frame is due, on the frames' clock; 0 when the stream does not say. */
    private static double streamStart(AVStream st, long startMicros) {
        AVRational tb = st.time_base();
        return st.start_time() != avutil.AV_NOPTS_VALUE && tb.den() > 0
                ? (double) st.start_time() * tb.num() / tb.den() - startMicros / 1e6 : 0;
    }

    /** Opens and probes the file, decoding its first frame to prove it has one. */
    public static VideoSource open(Path file) {
        checkReadable(file);
        FfmpegLog.configure();
        FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile());
        grabber.setImageMode(FrameGrabber.ImageMode.RAW);
        // A packet cut short by truncation would decode to a smeared frame; dropping it turns it into lost time.
        grabber.setOption("fflags", "+discardcorrupt");
        try {
            grabber.start();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            closeQuietly(grabber);
            throw new BadInputException(file
                    + ": not a video or image FFmpeg can read (unknown format or damaged header)", e);
        }
        if (!grabber.hasVideo() || grabber.getImageWidth() <= 0 || grabber.getImageHeight() <= 0) {
            String what = grabber.hasAudio() ? "audio only, no video stream" : "no video stream";
            closeQuietly(grabber);
            throw new BadInputException(file + ": " + what);
        }
        if (TEXT_ART.contains(String.valueOf(grabber.getVideoCodecName()))) {
            String codec = grabber.getVideoCodecName();
            closeQuietly(grabber);
            throw new BadInputException(file + ": a text file, not a video or image (FFmpeg would draw it as "
                    + codec + " text art)");
        }
        // A frame is held decoded and converted to RGB at once; a 16000x16000 PNG needs 1.5 GB before any resizing.
        HeapLimit.require(2 * 3L * grabber.getImageWidth() * grabber.getImageHeight(), file,
                "decoding a " + grabber.getImageWidth() + "x" + grabber.getImageHeight() + " frame");
        VideoSource source = new VideoSource(file, grabber);
        try {
            source.pending = source.decodeNext();
            if (source.pending != null && source.info.still() && "mjpeg".equals(grabber.getVideoCodecName())) {
                RgbImage jpeg = StillJpeg.decode(file);
                if (jpeg != null && jpeg.width() == grabber.getImageWidth() && jpeg.height() == grabber.getImageHeight()) {
                    source.jpegPixels = jpeg;
                }
            }
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
        if (source.pending == null) {
            source.close();
            throw new BadInputException(file + ": no decodable video frame");
        }
        return source;
    }

    /** A file input that is a folder, missing, or a device or pipe, reported as what it is. */
    static void checkReadable(Path file) {
        if (Files.isDirectory(file)) {
            throw new BadInputException(file + ": is a directory, not a video or image file");
        }
        if (!Files.exists(file)) {
            throw new BadInputException(file + ": no such file");
        }
        if (!Files.isRegularFile(file)) {
            throw new BadInputException(file + ": not a regular file");
        }
        if (!Files.isReadable(file)) {
            throw new BadInputException(file + ": permission denied");
        }
    }

    /** Probe only: opens the file, reads what it holds and closes it again. */
    public static VideoInfo probe(Path file) {
        try (VideoSource source = open(file)) {
            return source.info();
        }
    }

    public VideoInfo info() {
        return info;
    }

    /**
     * The sampled frames in time order, each resized as asked. Decoding happens as the iterator advances; once it
     * is exhausted, {@link #lostRanges()} is complete.
     */
    public Iterator<RgbImage> frames(Sampling sampling, FrameSize size) {
        return frames(sampling, size, null);
    }

    /**
     * {@link #frames(Sampling, FrameSize)}, telling {@code watcher} (when not null) of every intact frame decoded on
     * the way, in decoding order, as it is decoded.
     */
    public Iterator<RgbImage> frames(Sampling sampling, FrameSize size, FrameWatcher watcher) {
        if (iterated) {
            throw new IllegalStateException(path + " has already been read; open it again for another pass");
        }
        iterated = true;
        this.watcher = watcher;
        if (watcher != null && pending != null) {
            watch(pending);
        }
        return new SampledFrames(info.still() ? Sampling.all() : sampling, size);
    }

    private void watch(Decoded frame) {
        watcher.decoded(frame.timestamp(), sampler.grid(frame.picture()), contiguous);
        contiguous = true;
    }

    /** Pushes each sampled frame to sink; convenient when the whole video is wanted. */
    public void forEachFrame(Sampling sampling, FrameSize size, Consumer<RgbImage> sink) {
        frames(sampling, size).forEachRemaining(sink);
    }

    /** Time ranges lost to truncation or corruption among the frames read so far, in time order. */
    public List<LostRange> lostRanges() {
        return List.copyOf(lost);
    }

    /**
     * One line per lost range, naming the file, the range and the cause, for front ends to print. Gaps between
     * the timestamps of a valid stream are not loss: the frame before a gap is simply shown for longer.
     */
    public List<String> warnings() {
        return lost.stream()
                .map(r -> String.format(Locale.ROOT, "%s: could not decode %.2f-%.2f s (%s); those frames are skipped",
                        path, r.start(), r.end(), r.cause().reason))
                .toList();
    }

    @Override
    public void close() {
        if (pending != null) {
            pending.release();
            pending = null;
        }
        closeQuietly(grabber);
        converter.close();
    }

    private static void closeQuietly(FFmpegFrameGrabber grabber) {
        try {
            grabber.close();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            // Releasing native decoder state cannot fail in a way the caller could act on.
        }
    }

    /**
     * Next intact decoded frame at full size, or null where the decodable data ends. After damage the decoder
     * reports (a frame flagged corrupt or with concealed errors) frames are dropped until the next keyframe, since
     * until then they are predicted from pictures that are missing; the span is recorded as lost. A jump in
     * timestamps alone is not damage: sparse and variable-frame-rate streams are made of them.
     */
    private Decoded decodeNext() {
        while (true) {
            Frame frame;
            try {
                frame = grabber.grabImage();
            } catch (FrameGrabber.Exception | RuntimeException e) {
                frame = null;
            }
            if (frame == null || frame.image == null) {
                return null;
            }
            double ts = info.still() ? 0 : (frame.timestamp - startMicros) / 1e6;
            if (!Double.isNaN(lastTimestamp) && !(ts > lastTimestamp)) {
                // Missing or repeated timestamps: assume one tick rather than let time go backwards.
                ts = lastTimestamp + tick;
            }
            AVFrame picture = (AVFrame) frame.opaque;
            boolean damaged = (picture.flags() & AVFrame.AV_FRAME_FLAG_CORRUPT) != 0
                    || picture.decode_error_flags() != 0;
            if (damaged && Double.isNaN(lossStart)) {
                lossStart = ts;
            }
            lastTimestamp = ts;
            if (!Double.isNaN(lossStart)) {
                if (damaged || !frame.keyFrame) {
                    contiguous = false;
                    continue;
                }
                lost.add(new LostRange(lossStart, ts, LossCause.CORRUPT));
                lossStart = Double.NaN;
            }
            AVRational tb = grabber.getFormatContext().streams(grabber.getVideoStream()).time_base();
            double stated = picture.duration() > 0 && tb.den() > 0 ? (double) picture.duration() * tb.num() / tb.den() : 0;
            double duration = Math.max(tick, stated);
            if (Double.isNaN(furthestTimestamp) || ts > furthestTimestamp) {
                furthestTimestamp = ts;
                furthestDuration = duration;
            }
            Decoded decoded = new Decoded(ts, duration, avutil.av_frame_clone(picture));
            if (watcher != null) {
                watch(decoded);
            }
            return decoded;
        }
    }

    /** At the end of the data: whatever lies between the last intact frame's end and the stated duration is lost. */
    private void noteEnd() {
        if (info.still()) {
            return;
        }
        double decodedUntil = Double.isNaN(furthestTimestamp) ? 0 : furthestTimestamp + furthestDuration;
        double from = Double.isNaN(lossStart) ? decodedUntil : lossStart;
        double until = Math.max(info.durationSeconds(), Double.isNaN(lastTimestamp) ? 0 : lastTimestamp);
        if (!Double.isNaN(lossStart)) {
            lost.add(new LostRange(from, Math.max(from, until), LossCause.CORRUPT));
        } else if (until - from > GAP_FRAMES * tick) {
            lost.add(new LostRange(from, until, LossCause.TRUNCATED));
        }
        lossStart = Double.NaN;
    }

    /** Seeks so the next decoded frame is the first at or after time t; false when the container refuses. */
    private boolean seekTo(double t) {
        try {
            grabber.setVideoTimestamp(Math.round(t * 1e6));
        } catch (FrameGrabber.Exception | RuntimeException e) {
            return false;
        }
        if (!Double.isNaN(lossStart)) {
            lost.add(new LostRange(lossStart, t, LossCause.CORRUPT));
            lossStart = Double.NaN;
        }
        lastTimestamp = Double.NaN;
        contiguous = false;
        return true;
    }

    /**
     * The decoded picture as RGB at {@code size}, turned the way the stream asks it to be displayed (phones film
     * sideways); scaled while it is converted when the size allows ({@link FrameSize#convertedSize}).
     */
    private RgbImage upright(Decoded decoded, FrameSize size) {
        if (jpegPixels != null) {
            return size.apply(turned(jpegPixels));
        }
        AVFrame picture = decoded.picture();
        boolean sideways = quarterTurns % 2 == 1;
        int[] shown = size.convertedSize(sideways ? picture.height() : picture.width(),
                sideways ? picture.width() : picture.height());
        if (shown == null) {
            return size.apply(turned(converter.convert(picture, decoded.timestamp())));
        }
        int w = sideways ? shown[1] : shown[0];
        int h = sideways ? shown[0] : shown[1];
        return size.apply(turned(converter.convert(picture, decoded.timestamp(), w, h)));
    }

    /** {@code img} as stored, turned upright by the display matrix. */
    private RgbImage turned(RgbImage img) {
        if (quarterTurns == 0) {
            return img;
        }
        int w = img.width();
        int h = img.height();
        int outW = quarterTurns == 2 ? w : h;
        int outH = quarterTurns == 2 ? h : w;
        byte[] src = img.rgb();
        byte[] out = new byte[src.length];
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
                // Source pixel shown at (x, y) after turning clockwise by 90, 180 or 270 degrees.
                int sx = switch (quarterTurns) {
                    case 1 -> y;
                    case 2 -> w - 1 - x;
                    default -> w - 1 - y;
                };
                int sy = switch (quarterTurns) {
                    case 1 -> h - 1 - x;
                    case 2 -> h - 1 - y;
                    default -> x;
                };
                System.arraycopy(src, (sy * w + sx) * 3, out, (y * outW + x) * 3, 3);
            }
        }
        return new RgbImage(outW, outH, out, img.timestamp());
    }

    /**
     * A decoded picture in the codec's pixel format: its own reference to the decoder's buffers, so it outlives
     * the next decode (the frame on screen is known only once the one after it has been decoded).
     *
     * @param duration how long it is to be shown as the stream states it, at least one tick
     */
    private record Decoded(double timestamp, double duration, AVFrame picture) {
        void release() {
            avutil.av_frame_free(picture);
        }
    }

    /**
     * Walks the decoded frames and answers each wanted instant t with the frame on screen at t: the last one whose
     * timestamp is at most t (give or take {@link #slack}, the rounding of stored timestamps), held until the next
     * frame's timestamp however far away that is, so sampling at f fps gives duration × f candidates whatever the
     * stream's nominal or average rate. Each answer is stamped with its instant, or with the frame's own timestamp
     * when that is the instant give or take the slack, so the stamp depends on the instant and the stream alone and
     * {@link Sampling#at} given a pass's stamps finds the same frames again. The last frame is on screen for its
     * stated duration, never past the video's end.
     */
    private final class SampledFrames implements Iterator<RgbImage> {
        private final Sampling sampling;
        private final FrameSize size;
        private final double[] listedTargets;
        private int targetIndex;
        private RgbImage next;
        private boolean finished;
        private double emittedUntil = Double.NEGATIVE_INFINITY;
        /** The frame on screen at the current instant, and the one after it (null at the end of the data). */
        private Decoded held;
        private Decoded ahead;
        /** The span a seek was last made for, in {@link Sampling.Spans}; -1 before any. */
        private int seekedFor = -1;
        /** The held frame converted and resized once it has been answered, for the instants it is still shown. */
        private RgbImage heldImage;

        SampledFrames(Sampling sampling, FrameSize size) {
            this.sampling = sampling;
            this.size = size;
            this.listedTargets = sampling instanceof Sampling.Count c ? countTargets(c.count())
                    : sampling instanceof Sampling.At a ? a.timestamps() : null;
        }

        private double[] countTargets(int count) {
            if (info.durationSeconds() <= 0) {
                throw new BadInputException(path + ": the container gives no duration; sample by fps instead");
            }
            double lastFrame = Math.max(0, info.durationSeconds() - tick);
            double[] t = new double[count];
            for (int k = 0; k < count; k++) {
                t[k] = count == 1 ? 0 : lastFrame * k / (count - 1);
            }
            return t;
        }

        /** The k-th wanted instant, +infinity when there is none. */
        private double target(int k) {
            if (sampling instanceof Sampling.Fps f) {
                return k / f.fps();
            }
            return k < listedTargets.length ? listedTargets[k] : Double.POSITIVE_INFINITY;
        }

        @Override
        public boolean hasNext() {
            if (next == null && !finished) {
                next = switch (sampling) {
                    case Sampling.All a -> advanceAll();
                    case Sampling.Spans sp -> advanceSpans(sp);
                    default -> advance();
                };
                finished = next == null;
                if (finished) {
                    release();
                }
            }
            return next != null;
        }

        @Override
        public RgbImage next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            RgbImage out = next;
            next = null;
            return out;
        }

        private RgbImage advanceAll() {
            Decoded frame = pending != null ? pending : decodeNext();
            pending = null;
            if (frame == null) {
                noteEnd();
                return null;
            }
            RgbImage out = upright(frame, size);
            frame.release();
            return out;
        }

        /** The next decoded frame inside a span; frames before a span far ahead are skipped by seeking. */
        private RgbImage advanceSpans(Sampling.Spans spans) {
            double tol = 0.5 * tick;
            while (targetIndex < spans.from().length) {
                double from = spans.from()[targetIndex] - tol;
                double to = spans.to()[targetIndex] + tol;
                Decoded frame = pending != null ? pending : decodeNext();
                pending = null;
                if (frame == null) {
                    noteEnd();
                    return null;
                }
                if (frame.timestamp() > to) {
                    targetIndex++;
                    pending = frame;
                    continue;
                }
                if (frame.timestamp() < from || frame.timestamp() <= emittedUntil) {
                    frame.release();
                    // Once per span: where the data before a span is damaged, a seek can land short of it again.
                    if (seekable && seekedFor != targetIndex && from - frame.timestamp() > SEEK_AHEAD_SECONDS) {
                        seekedFor = targetIndex;
                        seekable = seekTo(from);
                    }
                    continue;
                }
                emittedUntil = frame.timestamp();
                RgbImage out = upright(frame, size);
                frame.release();
                return out;
            }
            return null;
        }

        private RgbImage advance() {
            if (held == null) {
                held = pending;
                pending = null;
                ahead = decodeNext();
            }
            while (true) {
                double t = target(targetIndex);
                if (t == Double.POSITIVE_INFINITY) {
                    return null;
                }
                while (ahead != null && ahead.timestamp() <= t + slack) {
                    if (seekable && t - ahead.timestamp() > SEEK_AHEAD_SECONDS && seekNear(t)) {
                        continue;
                    }
                    held.release();
                    held = ahead;
                    heldImage = null;
                    ahead = decodeNext();
                }
                if (ahead == null && t > lastShown() - slack) {
                    noteEnd();
                    return null;
                }
                targetIndex++;
                double ts = Math.abs(held.timestamp() - t) <= slack ? held.timestamp() : t;
                if (ts <= emittedUntil) {
                    continue;
                }
                emittedUntil = ts;
                boolean first = heldImage == null;
                if (first) {
                    heldImage = upright(held, size);
                }
                // A repeat gets its own pixels: what a consumer does with one answer must not show in the next.
                byte[] rgb = first ? heldImage.rgb() : heldImage.rgb().clone();
                return new RgbImage(heldImage.width(), heldImage.height(), rgb, ts);
            }
        }

        /** Until when the last decoded frame is on screen: its stated duration, cut at the video's end. */
        private double lastShown() {
            double until = held.timestamp() + held.duration();
            return info.durationSeconds() > held.timestamp() ? Math.min(until, info.durationSeconds()) : until;
        }

        /**
         * Seeks to the keyframe before t instead of decoding everything up to it; true when the frames now ahead
         * are the ones on screen around t. A seek lands on the first frame at or after its target, which is a tick
         * before t: the frame on screen at t came at most a tick before t in a stream at its base rate (an instant
         * between two frames of a 29.97 fps stream shows the earlier one). When the landing frame is already past
         * t (a sparse stretch), the frame on screen at t lies before it: the walk resumes from where it was and
         * seeking is given up for this pass.
         */
        private boolean seekNear(double t) {
            double resumeAt = ahead.timestamp();
            ahead.release();
            ahead = null;
            if ((seekable = seekTo(t - tick - slack))) {
                ahead = decodeNext();
                if (ahead != null && ahead.timestamp() <= t + slack) {
                    return true;
                }
                if (ahead != null) {
                    ahead.release();
                }
                seekable = false;
            }
            if (!seekTo(resumeAt)) {
                throw new IllegalStateException(path + ": cannot return to " + resumeAt + " s after a seek");
            }
            ahead = decodeNext();
            return false;
        }

        private void release() {
            for (Decoded d : new Decoded[] {held, ahead, pending}) {
                if (d != null) {
                    d.release();
                }
            }
            held = null;
            ahead = null;
            pending = null;
        }
    }
}
