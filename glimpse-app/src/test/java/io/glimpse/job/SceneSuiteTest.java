package io.glimpse.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.glimpse.image.RgbImage;
import io.glimpse.media.FrameSize;
import io.glimpse.media.Sampling;
import io.glimpse.media.SceneSuite;
import io.glimpse.media.VideoSource;
import io.glimpse.plan.Candidate;
import io.glimpse.plan.PatchSceneDetection;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameFilter;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scene detection on the generated suite (same-palette cuts, pans, flashes, dissolves, fades through black, black
 * leaders, sparse streams, a moving object on a still shot) at 1 and 4 fps, scored against the suite's truth, with
 * FFmpeg's own scene score (libavfilter's select filter on the same samples) as the independent reference.
 */
class SceneSuiteTest {
    /** FFmpeg's scene thresholds tried; the best F1 of them is the reference's. */
    private static final double[] FFMPEG_THRESHOLDS = {0.1, 0.15, 0.2, 0.3, 0.4};

    @TempDir
    static Path dir;
    static List<SceneSuite.Clip> clips;

    @BeforeAll
    static void writeSuite() throws Exception {
        clips = SceneSuite.write(dir);
    }

    @Test
    void theSuiteHasEveryKindOfFootageAndEnoughClips() {
        assertThat(clips).hasSizeGreaterThanOrEqualTo(30);
        assertThat(clips.stream().mapToLong(c -> c.truth().size()).sum()).isGreaterThan(30);
    }

    @Test
    void patchSceneDetectionReachesF1Of095AtOneAndFourFpsAndIsNotBelowFfmpeg() throws Exception {
        for (double fps : new double[] {1, 4}) {
            Score ours = new Score();
            List<String> errors = new ArrayList<>();
            for (SceneSuite.Clip clip : clips) {
                ours.add(clip, ourCuts(clip.file(), fps), fps, errors);
            }
            Score best = null;
            double bestThreshold = 0;
            for (double threshold : FFMPEG_THRESHOLDS) {
                Score ffmpeg = new Score();
                for (SceneSuite.Clip clip : clips) {
                    ffmpeg.add(clip, ffmpegCuts(clip.file(), fps, threshold), fps, new ArrayList<>());
                }
                if (best == null || ffmpeg.f1() > best.f1()) {
                    best = ffmpeg;
                    bestThreshold = threshold;
                }
            }
            System.out.printf(Locale.ROOT, "scene F1 at %.0f fps: ours %.3f (P %.3f R %.3f), FFmpeg scene>%.1f %.3f"
                            + " (P %.3f R %.3f)%n", fps, ours.f1(), ours.precision(), ours.recall(), bestThreshold,
                    best.f1(), best.precision(), best.recall());
            errors.forEach(e -> System.out.println("  " + e));
            assertThat(ours.f1()).as("F1 at %s fps; errors: %s", fps, errors).isGreaterThanOrEqualTo(0.95);
            assertThat(ours.f1()).as("ours against FFmpeg at %s fps", fps).isGreaterThanOrEqualTo(best.f1());
        }
    }

    static double[] ourCuts(Path file, double fps) {
        FrameDescriber describer = new FrameDescriber();
        List<Candidate> frames = new ArrayList<>();
        try (VideoSource src = VideoSource.open(file)) {
            Iterator<RgbImage> it = src.frames(Sampling.fps(fps), FrameSize.maxSide(PlanJob.DESCRIBE_SIDE));
            while (it.hasNext()) {
                frames.add(describer.describe(it.next(), src.info().width(), src.info().height()));
            }
        }
        return PatchSceneDetection.defaults().segment(frames).cutTimes();
    }

    /** Times of the samples FFmpeg's select filter passes: scene score above threshold against the previous. */
    static double[] ffmpegCuts(Path file, double fps, double threshold) throws Exception {
        List<Double> cuts = new ArrayList<>();
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile())) {
            grabber.start();
            String chain = String.format(Locale.ROOT, "fps=%s,select='gt(scene\\,%s)'", fps, threshold);
            try (FFmpegFrameFilter filter = new FFmpegFrameFilter(chain, grabber.getImageWidth(),
                    grabber.getImageHeight())) {
                filter.setPixelFormat(grabber.getPixelFormat());
                filter.setFrameRate(grabber.getFrameRate());
                filter.start();
                Frame frame;
                while ((frame = grabber.grabImage()) != null) {
                    // The grabber reuses its frame; the fps filter may still hold the last one when the next arrives.
                    filter.push(frame.clone());
                    pull(filter, cuts);
                }
                filter.push(null);
                pull(filter, cuts);
            }
        }
        return cuts.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static void pull(FFmpegFrameFilter filter, List<Double> cuts) throws Exception {
        Frame out;
        while ((out = filter.pull()) != null) {
            if (out.image != null) {
                cuts.add(out.timestamp / 1e6);
            }
        }
    }

    /**
     * True and false positives over the suite. A detection matches a transition when it lies within one sample
     * (plus a frame) of it; detections at the end of a black leader are ignored, since the leader is not a scene.
     */
    static final class Score {
        int truePositives;
        int detected;
        int actual;

        void add(SceneSuite.Clip clip, double[] found, double fps, List<String> errors) {
            double tol = 1 / fps + 1.5 / SceneSuite.FPS;
            boolean[] used = new boolean[found.length];
            int ignored = 0;
            for (int i = 0; i < found.length; i++) {
                if (clip.leaderEnd() > 0 && found[i] <= clip.leaderEnd() + tol) {
                    used[i] = true;
                    ignored++;
                }
            }
            for (SceneSuite.Transition t : clip.truth()) {
                int match = -1;
                for (int i = 0; i < found.length && match < 0; i++) {
                    if (!used[i] && found[i] >= t.start() - tol && found[i] <= t.end() + tol) {
                        match = i;
                    }
                }
                if (match >= 0) {
                    used[match] = true;
                    truePositives++;
                } else {
                    errors.add(String.format(Locale.ROOT, "%s: missed %s at %.2f s", clip.name(), t.kind(), t.start()));
                }
            }
            for (int i = 0; i < found.length; i++) {
                if (!used[i]) {
                    errors.add(String.format(Locale.ROOT, "%s: spurious cut at %.2f s", clip.name(), found[i]));
                }
            }
            detected += found.length - ignored;
            actual += clip.truth().size();
        }

        double precision() {
            return detected == 0 ? 1 : (double) truePositives / detected;
        }

        double recall() {
            return actual == 0 ? 1 : (double) truePositives / actual;
        }

        double f1() {
            double p = precision();
            double r = recall();
            return p + r == 0 ? 0 : 2 * p * r / (p + r);
        }
    }
}
