package io.glimpse.llava;

import io.glimpse.image.RgbImage;
import io.glimpse.io.BadInputException;
import io.glimpse.lm.PositionPolicy;
import io.glimpse.reduce.Pipeline;
import io.glimpse.reduce.ReduceContext;
import io.glimpse.reduce.StageReport;
import io.glimpse.tokens.AttentionMaps;
import io.glimpse.tokens.TokenSet;
import io.glimpse.tokens.VisualTokens;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One image's or one video's rows for its placeholder, made the way {@link Ask} makes them: encoded by the tower,
 * each reduction stage run where its method acts ({@code reduce.Site}: the tower's tokens before the model's pooling,
 * or the projected and pooled rows), budgets counted in decoder rows, never more rows than no reduction gives, then
 * projected and packed. The first step of a turn; {@link SplicedPrompt} takes the blocks on.
 *
 * @param block         the rows and their positions
 * @param encoderTokens tokens out of the tower
 * @param unreducedRows rows the decoder would have received without reduction
 * @param stages        what each reduction stage kept
 * @param rowFrames     the frame each of the block's rows shows (a rotary scheme rotates by it)
 * @param encodeNanos   time in the tower
 * @param reduceNanos   time reducing, projecting and packing
 */
public record VisualBlock(LlavaModel.Block block, int encoderTokens, int unreducedRows, List<StageReport> stages,
                          int[] rowFrames, long encodeNanos, long reduceNanos) {
    public VisualBlock {
        stages = List.copyOf(stages);
    }

    /** Visual rows the block gives the decoder. */
    public int rows() {
        return block.positions().length;
    }

    /**
     * An image's block when the prompt holds {@code imagesInPrompt} images (OneVision packs a lone image differently),
     * reduced by {@code pipeline} when present, its reduced rows placed by {@code policy}.
     */
    public static VisualBlock image(LlavaModel model, RgbImage image, int imagesInPrompt, Optional<Pipeline> pipeline,
                                    PositionPolicy policy) {
        long start = System.nanoTime();
        LlavaModel.ImageCrops c = model.crops(image, imagesInPrompt);
        VisualTokens e = model.encode(c.crops(), pipeline.map(Pipeline::needs).orElse(AttentionMaps.Request.NONE));
        long encoded = System.nanoTime();
        Optional<Pipeline> p = forTower(model, pipeline);
        TokenSet tokens = e.tokens();
        int rows = model.imageTokens(c.width(), c.height(), imagesInPrompt);
        // A reduced lone square crop keeps its closing newline; anyres drops its row newlines.
        int contentRows = Math.min(tokens.size(), c.packing() == LlavaModel.Packing.NEWLINE ? rows - 1 : rows);
        List<StageReport> stages = new ArrayList<>();
        if (p.isPresent()) {
            tokens = reduce(p, tokens, contentRows, e, stages);
            checkRows(p.get(), tokens.size(), contentRows);
        }
        LlavaModel.Block block = model.imageBlock(tokens, c, p.isPresent(), policy);
        int[] frames = frameOfRows(tokens, block.positions().length, p.isPresent());
        return new VisualBlock(block, e.tokens().size(), rows, stages, frames, encoded - start, System.nanoTime() - encoded);
    }

    /**
     * A video's block from its frames in order, reduced by {@code pipeline} when present (each stage at its site),
     * its reduced rows placed by {@code policy}, closed by the image_newline.
     */
    public static VisualBlock video(LlavaModel model, List<RgbImage> frames, Optional<Pipeline> pipeline, PositionPolicy policy) {
        long start = System.nanoTime();
        // The pooled-site stages see decoder rows, without the encoder's maps.
        VisualTokens e = model.encode(frames, pipeline.map(Pipeline::encoderNeeds).orElse(AttentionMaps.Request.NONE));
        long encoded = System.nanoTime();
        Optional<Pipeline> p = forTower(model, pipeline);
        TokenSet tokens = e.tokens();
        int rows = model.videoRows(tokens);
        List<StageReport> stages = new ArrayList<>();
        TokenSet decoderRows = model.decoderRows(p.isEmpty() ? tokens : reduce(p.get().bySite().encoder(), tokens, rows, e, stages));
        if (p.isPresent()) {
            decoderRows = reduce(p.get().bySite().pooled(), decoderRows, decoderRows.size(), null, stages);
            checkRows(p.get(), decoderRows.size(), rows);
        }
        LlavaModel.Block block = model.videoBlockOf(decoderRows, p.isPresent(), policy);
        int[] rowFrames = frameOfRows(decoderRows, block.positions().length, true);
        return new VisualBlock(block, tokens.size(), rows + 1, stages, rowFrames, encoded - start, System.nanoTime() - encoded);
    }

    /** A SigLIP tower has no CLS token, so stages that would rank by its attention rank by the patches' instead. */
    private static Optional<Pipeline> forTower(LlavaModel model, Optional<Pipeline> pipeline) {
        return pipeline.map(p -> model.towerHasCls() ? p : p.withoutCls());
    }

    /**
     * {@code tokens} through {@code stages} (when present) with budgets counted in {@code rows} decoder rows; the
     * encoder's attention maps go with {@code encoded}, none with rows already in decoder space.
     */
    private static TokenSet reduce(Optional<Pipeline> stages, TokenSet tokens, int rows, VisualTokens encoded,
                                   List<StageReport> reports) {
        if (stages.isEmpty()) {
            return tokens;
        }
        ReduceContext ctx = new ReduceContext(0, encoded == null ? AttentionMaps.empty() : encoded.attention(), null);
        Pipeline.Result r = stages.get().run(tokens, ctx, rows);
        reports.addAll(r.stages());
        return r.tokens();
    }

    /** A reduction never hands the decoder more visual rows than the model spends without one. */
    private static void checkRows(Pipeline pipeline, int reduced, int unreduced) {
        if (reduced > unreduced) {
            throw new BadInputException("reduction '" + pipeline + "' leaves " + reduced + " visual rows, more than the "
                    + unreduced + " the model spends without it; give it a budget (keep=, k=)");
        }
    }

    /**
     * The frame of each of a block's rows: a reduced set's token frames, or equal shares of the pooled rows per frame;
     * a trailing row beyond them (the video's image_newline) belongs to the last frame.
     */
    private static int[] frameOfRows(TokenSet tokens, int rows, boolean reduced) {
        int[] frames = new int[rows];
        int perFrame = Math.max(1, rows / tokens.frameCount());
        for (int r = 0; r < rows; r++) {
            int f = reduced ? tokens.frame(Math.min(r, tokens.size() - 1)) : r / perFrame;
            frames[r] = Math.min(f, tokens.frameCount() - 1);
        }
        return frames;
    }
}
