package io.glimpse.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.glimpse.media.SceneSuite;
import io.glimpse.media.SyntheticVideo;
import io.glimpse.plan.PlanMethod;
import io.glimpse.plan.PlannedFrame;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanJobTest {
    @TempDir
    Path dir;

    /** Cuts at 2.3 s and 4.6 s, sampled at 1 fps: found at 3 s and 5 s, then moved to the exact frames. */
    @Test
    void cutTimesInThePlanAreFrameAccurate() throws Exception {
        SyntheticVideo video = new SyntheticVideo(SyntheticVideo.Spec.hardCuts(192, 108, 10, 3, 2.3, 4));
        Path file = video.write(dir.resolve("cuts.mp4"));
        PlanJob.Selection s = PlanJob.select(file, new PlanJob.Options(3000, "llava-1.5", PlanMethod.SCENES, 1.0,
                null, null, null), PlanJob.Listener.QUIET, PlanJob.Pixels.PLANNED);
        assertThat(s.plan().cuts()).hasSize(2);
        assertThat(s.plan().cuts().get(0)).isCloseTo(2.3, within(1e-6));
        assertThat(s.plan().cuts().get(1)).isCloseTo(4.6, within(1e-6));
    }

    /**
     * Sampled every 5 s the pass seeks from sample to sample and skips the frames around the cuts at 7.3 s and
     * 14.6 s: those are decoded again, and the cuts still land on their frames.
     */
    @Test
    void cutsBetweenSamplesThePassSeekedPastAreStillFrameAccurate() throws Exception {
        SyntheticVideo video = new SyntheticVideo(SyntheticVideo.Spec.hardCuts(192, 108, 10, 3, 7.3, 4));
        Path file = video.write(dir.resolve("far-cuts.mp4"));
        PlanJob.Selection s = PlanJob.select(file, new PlanJob.Options(3000, "llava-1.5", PlanMethod.SCENES, 0.2,
                null, null, null), PlanJob.Listener.QUIET, PlanJob.Pixels.PLANNED);
        assertThat(s.plan().cuts()).hasSize(2);
        assertThat(s.plan().cuts().get(0)).isCloseTo(7.3, within(1e-6));
        assertThat(s.plan().cuts().get(1)).isCloseTo(14.6, within(1e-6));
    }

    /** A still alone is priced for OneVision as the image its processor tiles, not as a pooled video frame. */
    @Test
    void aStillIsPricedForOneVisionAsAnImageAlone() throws Exception {
        Path png = io.glimpse.testkit.Fixtures.path("vision/landscape.png");
        PlanJob.Selection s = PlanJob.select(png, new PlanJob.Options(100000, "llava-onevision", PlanMethod.UNIFORM, 1.0,
                null, null, null), PlanJob.Listener.QUIET, PlanJob.Pixels.PLANNED);
        int w = s.video().width();
        int h = s.video().height();
        assertThat(s.plan().frames()).hasSize(1);
        assertThat(s.plan().totalCost()).isEqualTo(new io.glimpse.plan.LlavaOneVisionCost().imageCost(w, h))
                .isGreaterThan(196);
    }

    /** A still shot with a small object crossing it: dedup by change keeps the frames where it moves. */
    @Test
    void dedupKeepsAnObjectMovingThroughAStillShot() throws Exception {
        SceneSuite.Clip walker = SceneSuite.write(dir).stream().filter(c -> c.name().equals("moving-object-0"))
                .findFirst().orElseThrow();
        PlanJob.Selection s = PlanJob.select(walker.file(), new PlanJob.Options(100000, "llava-1.5",
                PlanMethod.UNIFORM, 1.0, null, null, io.glimpse.plan.TemporalDedup.DEFAULT_MIN_CHANGED), PlanJob.Listener.QUIET,
                PlanJob.Pixels.PLANNED);
        List<PlannedFrame> frames = s.plan().frames();
        // The object is on screen from the first second to the last: every sampled second shows it elsewhere.
        assertThat(frames.size()).isGreaterThanOrEqualTo(s.candidates() - 1);
        assertThat(frames.get(frames.size() - 1).timestamp()).isGreaterThan(walker.durationSeconds() - 2);
    }

    /** Leaders and fades through black: no method picks a black or faded frame while its scene has a better one. */
    @Test
    void noMethodChoosesABlankOrFadedFrame() throws Exception {
        List<SceneSuite.Clip> clips = SceneSuite.write(dir).stream()
                .filter(c -> c.name().startsWith("black-leader") || c.name().startsWith("fade-black")).toList();
        for (SceneSuite.Clip clip : clips) {
            for (PlanMethod method : PlanMethod.values()) {
                PlanJob.Selection s = PlanJob.select(clip.file(), new PlanJob.Options(100000, "llava-1.5", method, 4.0,
                        null, null, null), PlanJob.Listener.QUIET, PlanJob.Pixels.DECODED);
                for (PlanJob.ChosenFrame f : s.frames()) {
                    assertThat(f.planned().timestamp()).as("%s %s", clip.name(), method)
                            .isGreaterThanOrEqualTo(clip.leaderEnd());
                    assertThat(meanLuma(f.image())).as("%s %s at %.2f s", clip.name(), method, f.planned().timestamp())
                            .isGreaterThan(0.25);
                }
            }
        }
    }

    /** The shots of the suite have mean luma 0.4-0.7; a leader is 0, a fade frame below half its shot's. */
    private static double meanLuma(io.glimpse.image.RgbImage img) {
        byte[] rgb = img.rgb();
        double sum = 0;
        for (int i = 0; i < rgb.length; i += 3) {
            sum += 0.299 * (rgb[i] & 0xff) + 0.587 * (rgb[i + 1] & 0xff) + 0.114 * (rgb[i + 2] & 0xff);
        }
        return sum / (rgb.length / 3) / 255;
    }
}
