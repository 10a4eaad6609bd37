package io.glimpse.media;

import io.glimpse.image.RgbImage;
import io.glimpse.io.BadInputException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
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
    /** A jump between consecutive decoded frames wider than this many frame durations counts as lost data. */
    private static final double GAP_FRAMES = 2.5;

    /** A span of the video, in seconds, whose frames could not be decoded. */
    public record LostRange(double start, double end) {
    }

    private final Path path;
    private final FFmpegFrameGrabber grabber;
    private final VideoInfo info;
    private final long startMicros;
    private final List<LostRange> lost = new ArrayList<>();
    private RgbImage pending;
    private boolean iterated;
    private boolean seekable = true;
    private double lastTimestamp = Double.NaN;
    private double furthestTimestamp = Double.NaN;

    private VideoSource(Path path, FFmpegFrameGrabber grabber) {
        this.path = path;
        this.grabber = grabber;
        AVFormatContext oc = grabber.getFormatContext();
        this.startMicros = oc.start_time() != avutil.AV_NOPTS_VALUE ? oc.start_time() : 0;
        String format = grabber.getFormat();
        boolean still = format.endsWith("_pipe") || format.equals("image2");
        double duration = oc.duration() != avutil.AV_NOPTS_VALUE && oc.duration() > 0
                ? oc.duration() / (double) avutil.AV_TIME_BASE : 0;
        double fps = grabber.getVideoFrameRate();
        if (!(fps > 0) || Double.isInfinite(fps)) {
            fps = 0;
        }
        this.info = still
                ? new VideoInfo(path, format, grabber.getImageWidth(), grabber.getImageHeight(), 0, 0, 1, true)
                : new VideoInfo(path, format, grabber.getImageWidth(), grabber.getImageHeight(), fps, duration,
                        Math.max(1, Math.round(duration * fps)), false);
    }

    /** Opens and probes the file, decoding its first frame to prove it has one. */
    public static VideoSource open(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new BadInputException(file + ": no such file");
        }
        FfmpegLog.configure();
        FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile());
        grabber.setPixelFormat(avutil.AV_PIX_FMT_RGB24);
        // A packet cut short by truncation would decode to a smeared frame; dropping it turns it into lost time.
        grabber.setOption("fflags", "+discardcorrupt");
        try {
            grabber.start();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            closeQuietly(grabber);
            throw new BadInputException(file + ": not a video or image FFmpeg can read (unknown format or damaged header)", e);
        }
        if (!grabber.hasVideo() || grabber.getImageWidth() <= 0 || grabber.getImageHeight() <= 0) {
            String what = grabber.hasAudio() ? "audio only, no video stream" : "no video stream";
            closeQuietly(grabber);
            throw new BadInputException(file + ": " + what);
        }
        VideoSource source = new VideoSource(file, grabber);
        try {
            source.pending = source.decodeNext();
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

    public VideoInfo info() {
        return info;
    }

    /**
     * The sampled frames in time order, each resized as asked. Decoding happens as the iterator advances; once it
     * is exhausted, {@link #lostRanges()} is complete.
     */
    public Iterator<RgbImage> frames(Sampling sampling, FrameSize size) {
        if (iterated) {
            throw new IllegalStateException(path + " has already been read; open it again for another pass");
        }
        iterated = true;
        return new SampledFrames(info.still() ? Sampling.all() : sampling, size);
    }

    /** Pushes each sampled frame to sink; convenient when the whole video is wanted. */
    public void forEachFrame(Sampling sampling, FrameSize size, Consumer<RgbImage> sink) {
        frames(sampling, size).forEachRemaining(sink);
    }

    /** Time ranges lost to truncation or corruption among the frames read so far, in time order. */
    public List<LostRange> lostRanges() {
        return List.copyOf(lost);
    }

    /** One line per lost range, naming the file, for front ends to print. */
    public List<String> warnings() {
        return lost.stream()
                .map(r -> String.format(Locale.ROOT, "%s: could not decode %.2f-%.2f s (truncated or corrupt data); "
                        + "those frames are skipped", path, r.start(), r.end()))
                .toList();
    }

    @Override
    public void close() {
        closeQuietly(grabber);
    }

    private static void closeQuietly(FFmpegFrameGrabber grabber) {
        try {
            grabber.close();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            // Releasing native decoder state cannot fail in a way the caller could act on.
        }
    }

    /** Next decoded frame at full size, or null at the end of the decodable data (recording the loss there). */
    private RgbImage decodeNext() {
        Frame frame;
        try {
            frame = grabber.grabImage();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            frame = null;
        }
        if (frame == null || frame.image == null) {
            noteEnd();
            return null;
        }
        double ts = info.still() ? 0 : (frame.timestamp - startMicros) / 1e6;
        if (!Double.isNaN(lastTimestamp) && !(ts > lastTimestamp)) {
            // Missing or repeated timestamps: assume the nominal frame rate rather than report time going backwards.
            ts = lastTimestamp + info.frameDuration();
        }
        if (!Double.isNaN(lastTimestamp) && ts - lastTimestamp > GAP_FRAMES * info.frameDuration()) {
            lost.add(new LostRange(lastTimestamp + info.frameDuration(), ts));
        }
        lastTimestamp = ts;
        furthestTimestamp = Double.isNaN(furthestTimestamp) ? ts : Math.max(furthestTimestamp, ts);
        return toRgb(frame, ts);
    }

    private void noteEnd() {
        if (info.still() || info.durationSeconds() <= 0) {
            return;
        }
        double decodedUntil = Double.isNaN(furthestTimestamp) ? 0 : furthestTimestamp + info.frameDuration();
        if (info.durationSeconds() - decodedUntil > GAP_FRAMES * info.frameDuration()) {
            lost.add(new LostRange(decodedUntil, info.durationSeconds()));
        }
    }

    /** Seeks so the next decoded frame is the first at or after time t; false when the container refuses. */
    private boolean seekTo(double t) {
        try {
            grabber.setVideoTimestamp(Math.round(t * 1e6));
        } catch (FrameGrabber.Exception | RuntimeException e) {
            return false;
        }
        // A seek is a deliberate jump: the skipped span is not lost data.
        lastTimestamp = Double.NaN;
        return true;
    }

    private static RgbImage toRgb(Frame frame, double timestamp) {
        int w = frame.imageWidth;
        int h = frame.imageHeight;
        int row = w * 3;
        ByteBuffer buf = (ByteBuffer) frame.image[0];
        byte[] rgb = new byte[row * h];
        for (int y = 0; y < h; y++) {
            buf.get(y * frame.imageStride, rgb, y * row, row);
        }
        return new RgbImage(w, h, rgb, timestamp);
    }

    /** Walks the decoded frames, keeping the first frame at or after each wanted instant (less half a frame). */
    private final class SampledFrames implements Iterator<RgbImage> {
        private final Sampling sampling;
        private final FrameSize size;
        private final double[] listedTargets;
        private final boolean everyFrame;
        private int targetIndex;
        private RgbImage next;
        private boolean finished;
        private double emittedUntil = Double.NEGATIVE_INFINITY;

        SampledFrames(Sampling sampling, FrameSize size) {
            this.sampling = sampling;
            this.size = size;
            this.listedTargets = sampling instanceof Sampling.Count c ? countTargets(c.count())
                    : sampling instanceof Sampling.At a ? a.timestamps() : null;
            this.everyFrame = sampling instanceof Sampling.All;
        }

        private double[] countTargets(int count) {
            if (info.durationSeconds() <= 0) {
                throw new BadInputException(path + ": the container gives no duration; sample by fps instead");
            }
            double lastFrame = Math.max(0, info.durationSeconds() - info.frameDuration());
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
            if (listedTargets != null) {
                return k < listedTargets.length ? listedTargets[k] : Double.POSITIVE_INFINITY;
            }
            return Double.NEGATIVE_INFINITY;
        }

        @Override
        public boolean hasNext() {
            if (next == null && !finished) {
                next = advance();
                finished = next == null;
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

        private RgbImage advance() {
            double half = 0.5 * info.frameDuration();
            while (true) {
                double wanted = target(targetIndex);
                if (wanted == Double.POSITIVE_INFINITY) {
                    return null;
                }
                if (pending == null && seekable && !Double.isNaN(lastTimestamp)
                        && wanted - lastTimestamp > SEEK_AHEAD_SECONDS) {
                    seekable = seekTo(wanted - half);
                }
                RgbImage frame = pending != null ? pending : decodeNext();
                pending = null;
                if (frame == null) {
                    return null;
                }
                if (frame.timestamp() <= emittedUntil) {
                    continue;
                }
                if (wanted <= frame.timestamp() + half) {
                    while (!everyFrame && target(targetIndex) <= frame.timestamp() + half) {
                        targetIndex++;
                    }
                    emittedUntil = frame.timestamp();
                    return size.apply(frame);
                }
            }
        }
    }
}
