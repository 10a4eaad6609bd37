package io.glimpse.job;

import io.glimpse.image.RgbImage;
import io.glimpse.media.FrameSize;
import io.glimpse.media.Sampling;
import io.glimpse.media.SyntheticVideo;
import io.glimpse.media.VideoSource;
import io.glimpse.plan.Candidate;
import io.glimpse.plan.SceneSegmentation;
import io.glimpse.plan.Scenes;
import io.glimpse.vision.PatchStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scene segmentation on real encoded videos with known transitions: decode through FFmpeg, describe with
 * PatchStats, segment adaptively, and score the cuts against the truth (a detected cut matches a transition
 * when it lies within one sampled frame of it; a fade's truth is its centre).
 */
class SceneDetectionOnVideoTest {
    static final double FPS = 2;

    @TempDir
    Path dir;

    @Test
    void cutsAndFadesAreFoundWithF1OfAtLeast095() throws Exception {
        int truePositives = 0;
        int detected = 0;
        int truth = 0;
        List<String> misses = new ArrayList<>();
        for (long seed = 1; seed <= 6; seed++) {
            SyntheticVideo v = new SyntheticVideo(SyntheticVideo.Spec.varied(192, 108, 10, 40, seed));
            Path file = v.write(dir.resolve("v" + seed + ".mp4"));
            List<Candidate> frames = new ArrayList<>();
            PatchStats stats = new PatchStats(14);
            try (VideoSource src = VideoSource.open(file)) {
                var it = src.frames(Sampling.fps(FPS), FrameSize.original());
                while (it.hasNext()) {
                    RgbImage img = it.next();
                    frames.add(new Candidate(img.timestamp(), img.width(), img.height(), stats.describe(img).descriptor()));
                }
            }
            Scenes scenes = SceneSegmentation.adaptive().segment(frames);
            double[] found = scenes.cutTimes();
            List<SyntheticVideo.Transition> real = v.transitions();
            boolean[] used = new boolean[found.length];
            for (SyntheticVideo.Transition t : real) {
                int match = -1;
                for (int i = 0; i < found.length; i++) {
                    if (!used[i] && Math.abs(found[i] - t.time()) <= 1 / FPS + 1e-9) {
                        match = i;
                        break;
                    }
                }
                if (match >= 0) {
                    used[match] = true;
                    truePositives++;
                } else {
                    misses.add("seed " + seed + ": missed " + t);
                }
            }
            for (int i = 0; i < found.length; i++) {
                if (!used[i]) {
                    misses.add("seed " + seed + ": spurious cut at " + found[i]);
                }
            }
            detected += found.length;
            truth += real.size();
        }
        double precision = truePositives / (double) detected;
        double recall = truePositives / (double) truth;
        double f1 = 2 * precision * recall / (precision + recall);
        assertThat(truth).isGreaterThan(20);
        assertThat(f1).as("F1 over %d transitions; %s", truth, misses).isGreaterThanOrEqualTo(0.95);
    }
}
