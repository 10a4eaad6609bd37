package io.glimpse.job;

import io.glimpse.io.BadInputException;
import io.glimpse.image.RgbImage;
import io.glimpse.media.FrameSize;
import io.glimpse.media.Sampling;
import io.glimpse.media.VideoInfo;
import io.glimpse.media.VideoSource;
import io.glimpse.plan.Candidate;
import io.glimpse.plan.FrameTrace;
import io.glimpse.plan.PatchSceneDetection;
import io.glimpse.plan.SceneSegmentation;
import io.glimpse.plan.Scenes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Scene detection on its own, behind {@code glimpse scenes}: the frames are sampled and described as for a plan,
 * the same detector finds the cuts, each cut found between two samples is moved to its exact frame (from the frames
 * the sampling pass decoded, {@link PlanJob#exactCuts}), and a few
 * representative (never blank, when the scene has better) frames of every scene are decoded at full size.
 */
public final class ScenesJob {
    /** Which rule finds the cuts. */
    public enum Method {
        /** {@link PatchSceneDetection.Rule#CONTENT}: the planner's detector. */
        CONTENT,
        /** {@link PatchSceneDetection.Rule#ADAPTIVE}: also asks a cut to stand out from its neighbours. */
        ADAPTIVE,
        /**
         * TDC's rule on frame descriptors: its adaptive threshold ({@link SceneSegmentation#adaptive}), or with a cut
         * count its top-K mode, the K most dissimilar transitions ({@link SceneSegmentation#topK}).
         */
        TDC;

        public static Method parse(String s) {
            for (Method m : values()) {
                if (m.name().equalsIgnoreCase(s == null ? "" : s.trim())) {
                    return m;
                }
            }
            throw new BadInputException("unknown scene method '" + s + "'; valid methods: content, adaptive, tdc");
        }
    }

    /**
     * @param fps       samples per second, or null to look at every frame
     * @param threshold share of patches that must change for a cut (content, adaptive), or null for the default
     * @param images    representative frames to decode per scene, ≥ 0
     * @param cuts      with {@link Method#TDC}: the number of cuts to find (TDC's top-K mode), or null for its threshold
     */
    public record Options(Double fps, Double threshold, Method method, int images, Integer cuts) {
        public Options {
            if (fps != null && !(fps > 0 && Double.isFinite(fps))) {
                throw new BadInputException("sampling fps must be finite and positive, got " + fps);
            }
            if (threshold != null && !(threshold > 0 && threshold <= 1)) {
                throw new BadInputException("scene threshold is a share of patches in (0, 1], got " + threshold);
            }
            if (threshold != null && method == Method.TDC) {
                throw new BadInputException("--threshold applies to the content and adaptive methods, not tdc");
            }
            if (cuts != null && method != Method.TDC) {
                throw new BadInputException("--cuts applies to the tdc method (its top-K mode), not " + method.name().toLowerCase(java.util.Locale.ROOT));
            }
            if (cuts != null && cuts < 1) {
                throw new BadInputException("--cuts must be at least 1, got " + cuts);
            }
            if (images < 0) {
                throw new BadInputException("images per scene must be at least 0, got " + images);
            }
        }
    }

    /** One sample and the score the rules threshold: the share of patches changed since the previous sample. */
    public record Sample(double time, double change, double brightness, double contrast, boolean blank) {
    }

    /**
     * A scene, frames counted from 0 at the video's frame rate.
     *
     * @param endFrame one past the scene's last frame
     */
    public record Scene(int number, double start, double end, long startFrame, long endFrame, List<RgbImage> images) {
    }

    public record Result(VideoInfo video, List<Sample> samples, List<Scene> scenes, List<String> warnings) {
    }

    private ScenesJob() {
    }

    public static Result run(Path video, Options options) {
        FrameDescriber describer = new FrameDescriber();
        List<Candidate> frames = new ArrayList<>();
        VideoInfo info;
        List<String> warnings;
        FrameTrace trace = new FrameTrace();
        try (VideoSource src = VideoSource.open(video)) {
            info = src.info();
            Sampling sampling = options.fps() == null ? Sampling.all() : Sampling.fps(options.fps());
            // Every frame is a sample already when there is no fps: the cuts are exact without a trace.
            boolean follow = options.fps() != null && !info.still();
            Iterator<RgbImage> it = src.frames(sampling, FrameSize.maxSide(PlanJob.DESCRIBE_SIDE),
                    follow ? trace::add : null);
            while (it.hasNext()) {
                frames.add(describer.describe(it.next(), info.width(), info.height()));
            }
            warnings = src.warnings();
        }
        double cut = options.threshold() == null ? PatchSceneDetection.DEFAULT_CUT : options.threshold();
        PatchSceneDetection.Detection detection = (options.method() == Method.ADAPTIVE
                ? PatchSceneDetection.adaptive(cut) : PatchSceneDetection.content(cut)).detect(frames);
        Scenes scenes = options.method() != Method.TDC ? detection.scenes()
                : (options.cuts() == null ? SceneSegmentation.adaptive() : SceneSegmentation.topK(options.cuts())).segment(frames);
        List<Double> cuts = Arrays.stream(scenes.cutTimes()).boxed().toList();
        if (options.fps() != null && !info.still()) {
            cuts = PlanJob.exactCuts(video, info, trace, frames, cuts);
        }
        List<Sample> samples = new ArrayList<>(frames.size());
        for (int i = 0; i < frames.size(); i++) {
            Candidate c = frames.get(i);
            samples.add(new Sample(c.timestamp(), i == 0 ? 0 : detection.pairScores()[i - 1], c.look().brightness(),
                    c.look().contrast(), detection.blank()[i]));
        }
        double end = Math.max(info.durationSeconds(), frames.get(frames.size() - 1).timestamp() + info.frameDuration());
        double rate = info.fps() > 0 ? info.fps() : 1 / info.frameDuration();
        List<double[]> spans = new ArrayList<>();
        for (int s = 0; s < scenes.count(); s++) {
            spans.add(new double[] {s == 0 ? 0 : cuts.get(s - 1), s == scenes.count() - 1 ? end : cuts.get(s)});
        }
        List<List<RgbImage>> images = representatives(video, frames, scenes, detection.blank(), options.images());
        List<Scene> out = new ArrayList<>();
        for (int s = 0; s < spans.size(); s++) {
            double[] span = spans.get(s);
            out.add(new Scene(s + 1, span[0], span[1], Math.round(span[0] * rate), Math.round(span[1] * rate),
                    images.get(s)));
        }
        return new Result(info, samples, out, warnings);
    }

    /** Up to n frames per scene at full size: the shown samples nearest to n evenly spaced instants. */
    private static List<List<RgbImage>> representatives(Path video, List<Candidate> frames, Scenes scenes,
                                                        boolean[] blank, int n) {
        List<TreeSet<Integer>> picks = new ArrayList<>();
        TreeSet<Double> times = new TreeSet<>();
        for (int s = 0; s < scenes.count(); s++) {
            List<Integer> pool = new ArrayList<>();
            for (int i = scenes.start(s); i < scenes.end(s); i++) {
                if (!blank[i]) {
                    pool.add(i);
                }
            }
            if (pool.isEmpty()) {
                for (int i = scenes.start(s); i < scenes.end(s); i++) {
                    pool.add(i);
                }
            }
            TreeSet<Integer> chosen = new TreeSet<>();
            for (int k = 0; k < Math.min(n, pool.size()); k++) {
                chosen.add(pool.get((int) ((2L * k + 1) * pool.size() / (2L * Math.min(n, pool.size())))));
            }
            chosen.forEach(i -> times.add(frames.get(i).timestamp()));
            picks.add(chosen);
        }
        List<List<RgbImage>> out = new ArrayList<>();
        List<RgbImage> decoded = new ArrayList<>();
        if (!times.isEmpty()) {
            try (VideoSource src = VideoSource.open(video)) {
                src.forEachFrame(Sampling.at(times.stream().mapToDouble(Double::doubleValue).toArray()),
                        FrameSize.original(), decoded::add);
            }
        }
        for (TreeSet<Integer> chosen : picks) {
            List<RgbImage> scene = new ArrayList<>();
            for (int i : chosen) {
                double t = frames.get(i).timestamp();
                decoded.stream().filter(f -> Math.abs(f.timestamp() - t) < 1e-6).findFirst().ifPresent(scene::add);
            }
            out.add(scene);
        }
        return out;
    }

    /** HH:MM:SS.mmm, as PySceneDetect's list-scenes writes timecodes. */
    public static String timecode(double seconds) {
        long ms = Math.round(seconds * 1000);
        return String.format(Locale.ROOT, "%02d:%02d:%02d.%03d", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60,
                ms % 1000);
    }
}
