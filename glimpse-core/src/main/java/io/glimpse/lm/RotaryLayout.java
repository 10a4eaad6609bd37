package io.glimpse.lm;

import io.glimpse.lm.AttentionMask;
import io.glimpse.lm.AttentionMasks;

/**
 * Opt-in rotary schemes for a conversation with one visual block, held by its {@link KvCache} so decode steps follow
 * them too. Both change what a trained checkpoint sees (each paper fine-tunes for its scheme), so nothing uses them
 * unless asked. Rows are told apart by position id: visual ids are [visualStart, visualStart + frames.length), so the
 * prompt's ids must be consecutive (no in-LLM pruning, re-compacted visual positions).
 *
 * <p>{@link Kind#VISTA}: Vista-LLaMA's equal distance to visual tokens (Ma et al., "Vista-LLaMA: Reducing Hallucination in Video Language Models via Equal
 * Distance to Visual Tokens", CVPR 2024, arXiv 2312.08870): a text query scores visual keys without rotary embedding (plain q·k), so every visual
 * token is equally far from every text token however long the answer grows; all other pairs rotate as usual.
 *
 * <p>{@link Kind#TC_LLAVA}: TC-LLaVA's temporal-aware dual RoPE (Gao et al., "TC-LLaVA: Rethinking the Transfer from Image to Video Understanding with
 * Temporal Considerations", arXiv 2409.03206): the row with id n
 * rotates by n + γ·t(n), t the temporal id: n before the visual block, visualStart + the frame's rank inside it, and
 * after it one past the last frame's id plus the distance from the block's end (the paper's formula, read with an
 * inclusive block end, gives the first text token the last frame's id; this follows get_rope_index's "next id after
 * the block" instead). Its frame-block-causal mask comes from {@link #promptMask}. γ is the paper's fractional weight.
 */
public final class RotaryLayout {
    public enum Kind { VISTA, TC_LLAVA }

    private final Kind kind;
    private final double gamma;
    private final int visualStart;
    private final int[] frameRank;
    private final int frames;

    private RotaryLayout(Kind kind, double gamma, int visualStart, int[] frames) {
        if (visualStart < 0 || frames.length == 0) {
            throw new IllegalArgumentException("a visual block needs a start >= 0 and at least one row, got start "
                    + visualStart + " and " + frames.length + " rows");
        }
        if (!Double.isFinite(gamma) || gamma < 0) {
            throw new IllegalArgumentException("TC-LLaVA gamma must be finite and non-negative, got " + gamma);
        }
        frameRank = new int[frames.length];
        int rank = 0;
        for (int i = 1; i < frames.length; i++) {
            if (frames[i] < frames[i - 1]) {
                throw new IllegalArgumentException("visual row " + i + " of frame " + frames[i] + " follows a row of frame "
                        + frames[i - 1] + "; rows must be grouped by frame in time order");
            }
            rank += frames[i] > frames[i - 1] ? 1 : 0;
            frameRank[i] = rank;
        }
        this.kind = kind;
        this.gamma = gamma;
        this.visualStart = visualStart;
        this.frames = rank + 1;
    }

    /** Vista-LLaMA for visual rows at ids [visualStart, visualStart + rows). */
    public static RotaryLayout vista(int visualStart, int rows) {
        return new RotaryLayout(Kind.VISTA, 0, visualStart, new int[Math.max(0, rows)]);
    }

    /**
     * TC-LLaVA for visual rows at ids visualStart, visualStart + 1, … whose frames are {@code frameOfRow} (any
     * non-decreasing numbers; only their ranks count).
     */
    public static RotaryLayout tcLlava(double gamma, int visualStart, int[] frameOfRow) {
        return new RotaryLayout(Kind.TC_LLAVA, gamma, visualStart, frameOfRow.clone());
    }

    public Kind kind() {
        return kind;
    }

    /** Whether the row with this position id is visual. */
    public boolean visual(int position) {
        return position >= visualStart && position < visualStart + frameRank.length;
    }

    /** TC-LLaVA's temporal id t(n) of the row with position id n. */
    public int temporal(int position) {
        if (position < visualStart) {
            return position;
        }
        int end = visualStart + frameRank.length;
        return position < end ? visualStart + frameRank[position - visualStart] : visualStart + frames + position - end;
    }

    /** The rotation position of the row with id n: n + γ·t(n) under TC-LLaVA, n otherwise. */
    public float rotation(int position) {
        return kind == Kind.TC_LLAVA ? (float) (position + gamma * temporal(position)) : position;
    }

    /** Whether a query at {@code queryPosition} scores the key at {@code keyPosition} without rotation (Vista). */
    public boolean unrotated(int queryPosition, int keyPosition) {
        return kind == Kind.VISTA && !visual(queryPosition) && visual(keyPosition);
    }

    /**
     * The mask of a prompt of {@code rows} rows with ids 0..rows-1: TC-LLaVA's frame-block-causal mask, or null (causal)
     * for Vista.
     *
     * @throws IllegalArgumentException when the visual block does not fit in the prompt
     */
    public AttentionMask promptMask(int rows) {
        int end = visualStart + frameRank.length;
        if (end > rows) {
            throw new IllegalArgumentException("visual rows end at " + end + ", past the prompt's " + rows + " rows");
        }
        return kind == Kind.TC_LLAVA ? AttentionMasks.frameBlockCausal(visualStart, frameRank, rows - end) : null;
    }
}
