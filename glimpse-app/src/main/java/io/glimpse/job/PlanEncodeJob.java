package io.glimpse.job;

import io.glimpse.clip.QueryScorer;
import io.glimpse.image.RgbImage;
import io.glimpse.plan.CostModels;
import io.glimpse.reduce.Pipeline;
import io.glimpse.tokens.TokenSet;
import io.glimpse.tokens.VisualTokens;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@link PlanJob#run} with its models loaded by the caller, for callers that plan many videos with the same ones (the
 * corpus job keeps them per executor JVM): the frames {@link PlanJob#select} chooses, with relevance scored by the
 * given {@link QueryScorer}, then either PatchStats tokens of the planned pixels, exactly as {@code glimpse plan}, or,
 * given a {@link TowerEncoder}, the tower's tokens of the decoded frames, exactly as {@code glimpse encode} encodes and
 * reduces frames (the checkpoint's processor resamples each once, so the plan's per-frame resolution does not apply).
 */
public final class PlanEncodeJob {
    private PlanEncodeJob() {
    }

    /**
     * @param query scores the candidates against the query, or null; {@code options.query()} is not read
     * @param tower encodes the chosen frames, or null for PatchStats
     */
    public static PlanJob.Result run(Path video, PlanJob.Options options, QueryScorer query, TowerEncoder tower,
                                     PlanJob.Listener listener) throws IOException {
        PlanJob.Pixels pixels = tower == null ? PlanJob.Pixels.PLANNED : PlanJob.Pixels.DECODED;
        PlanJob.Selection s = PlanJob.select(video, options, CostModels.forName(options.target()), query, listener, pixels);
        if (tower == null) {
            return PlanJob.encoded(s, options);
        }
        List<RgbImage> images = s.frames().stream().map(PlanJob.ChosenFrame::image).toList();
        VisualTokens encoded = tower.encode(images, options.reduce() != null);
        TokenSet tokens = PlanJob.labelled(encoded.tokens(), s.frames());
        Pipeline.Result reduction = options.reduce() == null ? null
                : tower.reduce(options.reduce(), new VisualTokens(tokens, encoded.attention()));
        return new PlanJob.Result(s.video(), s.plan(), s.frames(), tokens, reduction, s.candidates(), s.warnings());
    }

    /** Metadata of the token file of such a result: {@link PlanOutputs#tokenMetadata}'s, with the tower's encoder. */
    public static Map<String, String> tokenMetadata(PlanJob.Result r, TowerEncoder tower) {
        Map<String, String> meta = PlanOutputs.tokenMetadata(r);
        if (tower != null) {
            meta.putAll(tower.metadata());
        }
        return meta;
    }
}
