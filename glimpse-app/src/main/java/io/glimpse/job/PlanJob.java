package io.glimpse.job;

import io.glimpse.clip.QueryScorer;
import io.glimpse.image.Resize;
import io.glimpse.image.RgbImage;
import io.glimpse.media.FrameSize;
import io.glimpse.media.Sampling;
import io.glimpse.media.VideoInfo;
import io.glimpse.media.VideoSource;
import io.glimpse.plan.Candidate;
import io.glimpse.plan.CostModel;
import io.glimpse.plan.CostModels;
import io.glimpse.plan.LlavaOneVisionCost;
import io.glimpse.plan.CutRefinement;
import io.glimpse.plan.Plan;
import io.glimpse.plan.PlanMethod;
import io.glimpse.plan.PlanRequest;
import io.glimpse.plan.PlannedFrame;
import io.glimpse.plan.Planner;
import io.glimpse.reduce.Pipeline;
import io.glimpse.reduce.ReduceContext;
import io.glimpse.tokens.FrameInfo;
import io.glimpse.tokens.TokenSet;
import io.glimpse.vision.PatchStats;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Video → plan → chosen frames → token set: the main job behind {@code glimpse plan}.
 *
 * <p>Streaming passes over the video, so memory does not grow with its length: the first samples at the plan's
 * fps (by presentation time: the frame on screen at each instant), describes each frame at a reduced size and
 * keeps only its frame descriptor and coarse {@link io.glimpse.plan.FrameLook} ({@link FrameDescriber}); the
 * planner then finds scenes and chooses frames and sizes; a short pass decodes the frames between the two samples
 * around each cut to put it on the exact frame ({@link #exactCuts}); the last pass decodes the chosen samples
 * again, resized to their planned size and encoded into the plan's token set.
 */
public final class PlanJob {
    /** Frames are described for planning at this longest side; enough for scene and duplicate detection. */
    public static final int DESCRIBE_SIDE = 448;

    /**
     * @param budget target tokens the plan may spend
     * @param target cost model name
     * @param method how frames are chosen
     * @param fps    sampling rate of the candidates
     * @param reduce reduction pipeline applied to the plan's token set, or null
     * @param query  scores each candidate frame against a text query (key clips anchor on the most relevant
     *               frames), or null
     * @param dedup  {@link io.glimpse.plan.TemporalDedup} threshold for near-repeat frames, or null to keep them
     */
    public record Options(int budget, String target, PlanMethod method, double fps, Pipeline reduce, Query query,
                          Double dedup) {
        public PlanRequest request() {
            return new PlanRequest(budget, target, method, fps, null, dedup);
        }
    }

    /**
     * A text the frames should answer, scored under a dual encoder.
     *
     * @param scorer CLIP or SigLIP checkpoint folder with a text tower and tokenizer.json
     */
    public record Query(Path scorer, String text) {
    }

    /** The size of the chosen frames' pixels. */
    public enum Pixels {
        /** Resized to the plan's size for the frame: what the plan's own outputs show and encode. */
        PLANNED,
        /**
         * As decoded, for a model whose own processor resamples them: resampling once, from the decoded frame, as the
         * reference processors do.
         */
        DECODED
    }

    /** A planned frame with its pixels. */
    public record ChosenFrame(PlannedFrame planned, RgbImage image) {
    }

    /**
     * @param tokens    the PatchStats token set of the chosen frames
     * @param reduction the reduction of {@code tokens}, or null when none was asked for
     * @param warnings  one line each, naming the file (lost time ranges)
     */
    public record Result(VideoInfo video, Plan plan, List<ChosenFrame> frames, TokenSet tokens,
                         Pipeline.Result reduction, int candidates, List<String> warnings) {
        /** The token set the plan delivers: reduced when a pipeline was given. */
        public TokenSet delivered() {
            return reduction == null ? tokens : reduction.tokens();
        }
    }

    /** Progress of the job in sampled frames over both passes. */
    public interface Listener {
        /** Ignores the progress. */
        Listener QUIET = new Listener() {
            @Override
            public void total(long frames) {
            }

            @Override
            public void done(long frames) {
            }
        };

        void total(long frames);

        void done(long frames);
    }

    private PlanJob() {
    }

    /** Patch size of the token set: Qwen-style targets see 28-px merged patches, ViT-style ones 14-px patches. */
    public static int patchSizeFor(String target) {
        return target.startsWith("qwen") ? 28 : 14;
    }

    /**
     * The plan's frames without encoding them: what {@code glimpse ask} feeds its own model.
     *
     * @param candidates frames sampled for planning
     * @param warnings   one line each, naming the file (lost time ranges)
     */
    public record Selection(VideoInfo video, Plan plan, List<ChosenFrame> frames, int candidates, List<String> warnings) {
    }

    public static Result run(Path video, Options options, Listener listener) throws IOException {
        Selection s = select(video, options, listener, Pixels.PLANNED);
        TokenSet tokens = encode(s.frames(), patchSizeFor(options.target()));
        Pipeline.Result reduction = options.reduce() == null ? null : options.reduce().run(tokens, ReduceContext.defaults());
        return new Result(s.video(), s.plan(), s.frames(), tokens, reduction, s.candidates(), s.warnings());
    }

    /** Both passes of {@link #run} up to the chosen frames; {@code options.reduce()} is not used. */
    public static Selection select(Path video, Options options, Listener listener, Pixels pixels) throws IOException {
        return select(video, options, CostModels.forName(options.target()), listener, pixels);
    }

    /** {@link #select(Path, Options, Listener, Pixels)} priced by {@code cost}, e.g. a loaded checkpoint's own. */
    public static Selection select(Path video, Options options, CostModel cost, Listener listener, Pixels pixels)
            throws IOException {
        PlanRequest request = options.request();
        QueryScorer query = options.query() == null ? null : QueryScorer.load(options.query().scorer(), options.query().text());
        List<Candidate> candidates = new ArrayList<>();
        List<Double> relevance = new ArrayList<>();
        VideoInfo info;
        List<String> warnings;
        FrameDescriber describer = new FrameDescriber();
        try (VideoSource src = VideoSource.open(video)) {
            info = src.info();
            long expected = info.still() ? 1 : Math.max(1, (long) Math.ceil(info.durationSeconds() * options.fps()));
            listener.total(2 * expected);
            Iterator<RgbImage> it = src.frames(Sampling.fps(options.fps()), FrameSize.maxSide(DESCRIBE_SIDE));
            long n = 0;
            while (it.hasNext()) {
                RgbImage small = it.next();
                candidates.add(describer.describe(small, info.width(), info.height()));
                if (query != null) {
                    relevance.add(query.score(small));
                }
                listener.done(++n);
            }
            warnings = src.warnings();
            listener.total(2 * n);
        }
        if (query != null) {
            request = request.withRelevance(relevance.stream().mapToDouble(Double::doubleValue).toArray());
        }
        // A still goes to LLaVA-OneVision as an image alone, which its processor tiles (anyres), not as a pooled frame.
        Plan plan = Planner.plan(candidates, request,
                info.still() && cost instanceof LlavaOneVisionCost oneVision ? oneVision.loneImage() : cost);
        if (!info.still()) {
            plan = plan.withCuts(exactCuts(video, candidates, plan.cuts()));
        }
        List<ChosenFrame> chosen = decodeChosen(video, options.fps(), plan, candidates.size(), pixels, listener);
        return new Selection(info, plan, chosen, candidates.size(), warnings);
    }

    /** Frames around a cut are described at this longest side to place it on the exact frame: cells stay coarse. */
    static final int REFINE_SIDE = 160;

    /**
     * Each cut, found at the sample where a new scene shows, moved to the exact frame: the frames from the sample
     * before to that sample are decoded and the largest change among them taken ({@link CutRefinement}).
     */
    static List<Double> exactCuts(Path video, List<Candidate> samples, List<Double> cuts) {
        if (cuts.isEmpty()) {
            return cuts;
        }
        double[] from = new double[cuts.size()];
        double[] to = new double[cuts.size()];
        int s = 0;
        for (int k = 0; k < cuts.size(); k++) {
            while (s + 1 < samples.size() && samples.get(s + 1).timestamp() < cuts.get(k)) {
                s++;
            }
            from[k] = Math.min(samples.get(s).timestamp(), cuts.get(k));
            to[k] = cuts.get(k);
        }
        List<Double> out = new ArrayList<>(cuts);
        FrameDescriber describer = new FrameDescriber();
        try (VideoSource src = VideoSource.open(video)) {
            Iterator<RgbImage> it = src.frames(Sampling.spans(from, to), FrameSize.maxSide(REFINE_SIDE));
            List<Candidate> span = new ArrayList<>();
            int k = 0;
            while (it.hasNext() && k < cuts.size()) {
                RgbImage frame = it.next();
                while (k < cuts.size() && frame.timestamp() > to[k] + 1e-6) {
                    Candidate last = span.isEmpty() ? null : span.get(span.size() - 1);
                    settle(out, k++, span);
                    // Cuts one sample apart share that sample: it ends one span and starts the next.
                    if (last != null && k < cuts.size() && last.timestamp() >= from[k] - 1e-6) {
                        span.add(last);
                    }
                }
                if (k < cuts.size()) {
                    span.add(describer.describe(frame, frame.width(), frame.height()));
                }
            }
            while (k < cuts.size()) {
                settle(out, k++, span);
            }
        }
        return out;
    }

    private static void settle(List<Double> cuts, int k, List<Candidate> span) {
        if (span.size() >= 2) {
            cuts.set(k, span.get(CutRefinement.firstOfNewScene(span)).timestamp());
        }
        span.clear();
    }

    private static List<ChosenFrame> decodeChosen(Path video, double fps, Plan plan, int candidates, Pixels pixels,
                                                  Listener listener) {
        double[] times = plan.frames().stream().mapToDouble(PlannedFrame::timestamp).toArray();
        List<ChosenFrame> out = new ArrayList<>(times.length);
        try (VideoSource src = VideoSource.open(video)) {
            Iterator<RgbImage> it = src.frames(Sampling.at(times), FrameSize.original());
            for (PlannedFrame p : plan.frames()) {
                if (!it.hasNext()) {
                    break;
                }
                RgbImage frame = it.next();
                if (Math.abs(frame.timestamp() - p.timestamp()) > 1e-6) {
                    break;
                }
                out.add(new ChosenFrame(p, sized(frame, p, pixels)));
                listener.done(candidates + (long) candidates * out.size() / times.length);
            }
        }
        if (out.size() != times.length) {
            return decodeChosenSequentially(video, fps, plan, pixels);
        }
        return out;
    }

    /** Fallback for containers whose seeking does not land on the frames the first pass saw (damaged files). */
    private static List<ChosenFrame> decodeChosenSequentially(Path video, double fps, Plan plan, Pixels pixels) {
        Map<Integer, PlannedFrame> wanted = new HashMap<>();
        for (PlannedFrame f : plan.frames()) {
            wanted.put(f.source(), f);
        }
        List<ChosenFrame> out = new ArrayList<>(wanted.size());
        try (VideoSource src = VideoSource.open(video)) {
            Iterator<RgbImage> it = src.frames(Sampling.fps(fps), FrameSize.original());
            for (int k = 0; it.hasNext() && out.size() < wanted.size(); k++) {
                RgbImage frame = it.next();
                PlannedFrame p = wanted.get(k);
                if (p != null) {
                    out.add(new ChosenFrame(p, sized(frame, p, pixels)));
                }
            }
        }
        if (out.size() != wanted.size()) {
            throw new IllegalStateException(video + ": the second decoding pass returned fewer frames than the first");
        }
        return out;
    }

    private static RgbImage sized(RgbImage frame, PlannedFrame p, Pixels pixels) {
        int width = p.width();
        int height = p.height();
        if (pixels == Pixels.DECODED || (frame.width() == width && frame.height() == height)) {
            return frame;
        }
        boolean down = width <= frame.width() && height <= frame.height();
        return Resize.resize(frame, width, height, down ? Resize.Filter.AREA : Resize.Filter.BICUBIC);
    }

    private static TokenSet encode(List<ChosenFrame> chosen, int patch) {
        List<RgbImage> images = chosen.stream().map(ChosenFrame::image).toList();
        TokenSet tokens = new PatchStats(patch).encode(images).tokens();
        List<FrameInfo> frames = new ArrayList<>(chosen.size());
        for (int i = 0; i < chosen.size(); i++) {
            PlannedFrame p = chosen.get(i).planned();
            frames.add(tokens.frameInfo(i).withScene(p.scene()).withClip(p.clip()));
        }
        return tokens.withFrames(frames);
    }
}
