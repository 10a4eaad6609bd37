package io.glimpse.job;

import io.glimpse.image.RgbImage;
import io.glimpse.io.BadInputException;
import io.glimpse.media.Sampling;
import io.glimpse.media.SyntheticVideo;
import io.glimpse.plan.PlanMethod;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one decode loop, and the frames a plan hands to a model, on a generated 640x360 video of three 2-s scenes. */
class FrameReaderTest {
    @TempDir
    static Path dir;
    static Path video;

    @BeforeAll
    static void makeVideo() throws Exception {
        video = new SyntheticVideo(SyntheticVideo.Spec.hardCuts(640, 360, 10, 3, 2.0, 5)).write(dir.resolve("scenes.mp4"));
    }

    @Test
    void framesComeAtTheirDecodedSizeInTimeOrder() {
        List<RgbImage> frames = new FrameReader(w -> { }).read(video, Sampling.fps(1), 10, "");
        assertThat(frames).hasSize(6).allSatisfy(f -> {
            assertThat(f.width()).isEqualTo(640);
            assertThat(f.height()).isEqualTo(360);
        });
        for (int i = 1; i < frames.size(); i++) {
            assertThat(frames.get(i).timestamp()).isGreaterThan(frames.get(i - 1).timestamp());
        }
        List<Double> seen = new ArrayList<>();
        assertThat(new FrameReader(w -> { }).each(video, Sampling.fps(1), f -> seen.add(f.timestamp()))).isEqualTo(6);
        assertThat(seen).containsExactlyElementsOf(frames.stream().map(RgbImage::timestamp).toList());
    }

    @Test
    void moreFramesThanTheLimitIsBadInputNamingTheFileAndTheWayOut() {
        assertThatThrownBy(() -> new FrameReader(w -> { }).read(video, Sampling.fps(1), 5, "lower --fps"))
                .isInstanceOf(BadInputException.class).hasMessage(video + ": more than 5 frames at this sampling; lower --fps");
    }

    @Test
    void aPlanHandsAModelTheDecodedFramesAndItsOwnOutputsThePlannedSize() throws Exception {
        // 640x360 frames cost 196 llava-onevision tokens each at 384x216, so 400 buys two.
        PlanJob.Options options = new PlanJob.Options(400, "llava-onevision", PlanMethod.UNIFORM, 1, null, null, null);
        PlanJob.Selection decoded = PlanJob.select(video, options, PlanJob.Listener.QUIET, PlanJob.Pixels.DECODED);
        PlanJob.Selection planned = PlanJob.select(video, options, PlanJob.Listener.QUIET, PlanJob.Pixels.PLANNED);
        assertThat(decoded.frames()).hasSize(2).allSatisfy(f -> {
            assertThat(f.image().width()).isEqualTo(640);
            assertThat(f.image().height()).isEqualTo(360);
            assertThat(f.planned().width()).isEqualTo(384);
        });
        assertThat(planned.frames()).hasSize(2).allSatisfy(f -> {
            assertThat(f.image().width()).isEqualTo(384);
            assertThat(f.image().height()).isEqualTo(216);
        });
        assertThat(decoded.frames().stream().map(f -> f.image().timestamp()).toList())
                .isEqualTo(planned.frames().stream().map(f -> f.image().timestamp()).toList());
    }
}
