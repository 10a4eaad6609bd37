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
import io.glimpse.plan.FrameTrace;
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
 * <p>Streaming passes over the video, so memory grows with its length only by a few bytes a frame: the first samples
 * at the plan's fps (by presentation time: the frame on screen at each instant), describes each frame at a reduced
 * size and keeps only its frame descriptor and coarse {@link io.glimpse.plan.FrameLook} ({@link FrameDescriber}),
 * and follows every frame it decodes on the way in a {@link FrameTrace}; the planner then finds scenes and chooses
 * frames and sizes; each cut is put on its exact frame from the trace ({@link #exactCuts}); the last pass decodes
 * the chosen samples again, resized to their planned size and encoded into the plan's token set.
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
        return encoded(select(video, options, listener, Pixels.PLANNED), options);
    }

    /** A selection of planned pixels encoded by PatchStats and reduced: the rest of {@link #run}. */
    static Result encoded(Selection s, Options options) {
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
        return select(video, options, cost, loadQuery(options), listener, pixels);
    }

    /** The selection with the query scored by an already loaded {@code query} (or none), not {@code options.query()}. */
    public static Selection select(Path video, Options options, CostModel cost, QueryScorer query, Listener listener,
                                   Pixels pixels) throws IOException {
        Planned p = plan(video, options, cost, query, listener);
        List<ChosenFrame> chosen = decodeChosen(video, options.fps(), p.plan(), p.candidates(), pixels, listener);
        return new Selection(p.video(), p.plan(), chosen, p.candidates(), p.warnings());
    }

    private static QueryScorer loadQuery(Options options) throws IOException {
        return options.query() == null ? null : QueryScorer.load(options.query().scorer(), options.query().text());
    }

    /**
     * A plan before any of its frames is decoded again: the sampling pass, the planner and the exact cuts.
     *
     * @param candidates frames sampled for planning
     * @param warnings   one line each, naming the file (lost time ranges)
     */
    public record Planned(VideoInfo video, Plan plan, int candidates, List<String> warnings) {
    }

    /** The first passes of {@link #select}: sample and describe the candidates, plan, put the cuts on their frames. */
    public static Planned plan(Path video, Options options, CostModel cost, Listener listener) throws IOException {
        return plan(video, options, cost, loadQuery(options), listener);
    }

    private static Planned plan(Path video, Options options, CostModel cost, QueryScorer query, Listener listener)
            throws IOException {
        PlanRequest request = options.request();
        List<Candidate> candidates = new ArrayList<>();
        List<Double> relevance = new ArrayList<>();
        VideoInfo info;
        List<String> warnings;
        FrameDescriber describer = new FrameDescriber();
        FrameTrace trace = new FrameTrace();
        try (VideoSource src = VideoSource.open(video)) {
            info = src.info();
            long expected = info.still() ? 1 : Math.max(1, (long) Math.ceil(info.durationSeconds() * options.fps()));
            listener.total(2 * expected);
            Iterator<RgbImage> it = src.frames(Sampling.fps(options.fps()), FrameSize.maxSide(DESCRIBE_SIDE),
                    info.still() ? null : trace::add);
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
            plan = plan.withCuts(exactCuts(video, info, trace, candidates, plan.cuts()));
        }
        return new Planned(info, plan, candidates.size(), warnings);
    }

    /**
     * Each cut, found at the sample where a new scene shows, moved to the exact frame: the largest change among the
     * frames from the sample before to that sample ({@link CutRefinement}), read from {@code trace}, the frames the
     * sampling pass decoded. Where that pass skipped frames (it seeks past long gaps between samples, or dropped
     * damage), the frames around those cuts are decoded again and followed the same way.
     */
    static List<Double> exactCuts(Path video, VideoInfo info, FrameTrace trace, List<Candidate> samples,
                                  List<Double> cuts) {
        double tolerance = 0.5 * info.frameDuration();
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
        List<Integer> unseen = new ArrayList<>();
        for (int k = 0; k < cuts.size(); k++) {
            double exact = CutRefinement.exactCut(trace, from[k], to[k], tolerance);
            if (Double.isNaN(exact)) {
                unseen.add(k);
            } else {
                out.set(k, exact);
            }
        }
        if (!unseen.isEmpty()) {
            FrameTrace again = traceSpans(video, unseen.stream().mapToDouble(k -> from[k]).toArray(),
                    unseen.stream().mapToDouble(k -> to[k]).toArray());
            for (int k : unseen) {
                double exact = CutRefinement.exactCut(again, from[k], to[k], tolerance);
                if (!Double.isNaN(exact)) {
                    out.set(k, exact);
                }
            }
        }
        return out;
    }

    /** A second of lead before each span, so a seek to it lands before the span's first frame. */
    private static final double SPAN_LEAD_SECONDS = 1;

    /** The frames in the spans [from[k], to[k]] (and a little before each), followed in a trace. */
    private static FrameTrace traceSpans(Path video, double[] from, double[] to) {
        double[] start = new double[from.length];
        for (int k = 0; k < from.length; k++) {
            start[k] = Math.max(k == 0 ? 0 : to[k - 1], from[k] - SPAN_LEAD_SECONDS);
        }
        FrameTrace trace = new FrameTrace();
        try (VideoSource src = VideoSource.open(video)) {
            // Only the trace is wanted; the frames the sampling returns are made as small as can be.
            src.frames(Sampling.spans(start, to), FrameSize.maxSide(16), trace::add).forEachRemaining(f -> { });
        }
        return trace;
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
        return labelled(new PatchStats(patch).encode(images).tokens(), chosen);
    }

    /** The tokens of the chosen frames, frame by frame, with each frame's scene and clip from the plan. */
    static TokenSet labelled(TokenSet tokens, List<ChosenFrame> chosen) {
        List<FrameInfo> frames = new ArrayList<>(chosen.size());
        for (int i = 0; i < chosen.size(); i++) {
            PlannedFrame p = chosen.get(i).planned();
            frames.add(tokens.frameInfo(i).withScene(p.scene()).withClip(p.clip()));
        }
        return tokens.withFrames(frames);
    }
}
