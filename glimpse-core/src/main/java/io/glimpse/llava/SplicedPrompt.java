package io.glimpse.llava;

import io.glimpse.io.BadInputException;
import io.glimpse.lm.KvCache;
import io.glimpse.lm.KvPrecision;
import io.glimpse.lm.RotaryLayout;
import io.glimpse.lm.TokenRecycling;

import java.util.List;
import java.util.Optional;

/**
 * A turn's prompt with its {@link VisualBlock}s spliced in at their placeholders, numbered, and the rotary layout its
 * {@link Positions} scheme gives the one visual block: the second step of a turn, between encoding and
 * {@link Prefill}.
 *
 * @param prompt      ids, embedding rows and position ids
 * @param firstVisual row of the first visual row (the first placeholder's index), or -1 without media
 * @param visualRows  visual rows of all blocks
 * @param video       whether the one block is a video's (whose trailing image_newline is no visual token to prune)
 * @param layout      the opt-in rotary scheme's layout; empty for plain RoPE
 */
public record SplicedPrompt(LlavaModel.Prompt prompt, int firstVisual, int visualRows, boolean video,
                            Optional<RotaryLayout> layout) {
    /**
     * Splices {@code blocks}, in order, into the placeholders of {@code ids}.
     *
     * @throws IllegalArgumentException when placeholders and blocks differ in number, or a rotary scheme is given
     *                                  several blocks
     */
    public static SplicedPrompt of(LlavaModel model, int[] ids, List<VisualBlock> blocks, Positions positions, boolean video) {
        if (positions.rotatesVisualRows() && blocks.size() > 1) {
            throw new IllegalArgumentException("a rotary scheme needs one visual block, got " + blocks.size());
        }
        LlavaModel.Prompt prompt = model.assemble(ids, blocks.stream().map(VisualBlock::block).toList());
        int first = model.firstPlaceholder(ids);
        Optional<RotaryLayout> layout = blocks.isEmpty() ? Optional.empty()
                : positions.rotary(first, blocks.getFirst().rowFrames());
        return new SplicedPrompt(prompt, first, blocks.stream().mapToInt(VisualBlock::rows).sum(), video, layout);
    }

    /** Rows of the whole prompt. */
    public int rows() {
        return prompt.ids().length;
    }

    /**
     * The most answer tokens the model's context leaves after this prompt, at most {@code wanted}.
     *
     * @throws BadInputException when the prompt alone fills the context
     */
    public int answerRoom(LlavaModel model, int wanted) {
        int context = model.decoder().config().context();
        int room = context - rows();
        if (room < 1) {
            throw new BadInputException("the prompt is " + rows() + " tokens and the model's context holds "
                    + context + "; ask about fewer images or frames, or reduce their tokens");
        }
        return Math.min(wanted, room);
    }

    /** Cache slots for this prompt, {@code maxTokens} answer tokens and, when speculating, one draft's rows. */
    public int cacheSlots(int maxTokens, Optional<TokenRecycling> speculation) {
        return rows() + maxTokens + speculation.map(TokenRecycling::extraSlots).orElse(0);
    }

    /** An empty cache of {@code slots} slots in {@code precision} that follows this prompt's rotary layout. */
    public KvCache newCache(LlavaModel model, int slots, KvPrecision precision) {
        return model.decoder().newCache(slots, layout.orElse(null), precision);
    }
}
