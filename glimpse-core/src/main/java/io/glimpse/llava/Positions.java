package io.glimpse.llava;

import io.glimpse.io.BadInputException;
import io.glimpse.lm.PositionPolicy;
import io.glimpse.lm.RotaryLayout;

import java.util.List;
import java.util.Optional;

/**
 * How the visual rows of a prompt are numbered and rotated: a {@link PositionPolicy} for reduced tokens with the
 * checkpoint's own RoPE, or an opt-in rotary scheme (Vista-LLaMA, TC-LLaVA) that changes what a trained checkpoint
 * sees (each paper fine-tunes for its scheme), so it is only used when asked for. The schemes re-compact positions.
 */
public sealed interface Positions {
    /** The command-line spellings, in the order help texts list them. */
    List<String> NAMES = List.of("keep", "recompact", "vista", "tclava");

    /** Original patch positions for kept tokens. */
    Positions KEEP = new Rope(PositionPolicy.KEEP_ORIGINAL);
    /** Kept tokens numbered consecutively. */
    Positions RECOMPACT = new Rope(PositionPolicy.RECOMPACT);

    PositionPolicy policy();

    /** The rotary layout of a visual block at {@code visualStart} whose rows show {@code frameOfRow}; empty: plain RoPE. */
    Optional<RotaryLayout> rotary(int visualStart, int[] frameOfRow);

    /** The checkpoint's own RoPE over positions numbered by {@code policy}. */
    record Rope(PositionPolicy policy) implements Positions {
        @Override
        public Optional<RotaryLayout> rotary(int visualStart, int[] frameOfRow) {
            return Optional.empty();
        }
    }

    /** Vista-LLaMA: text scores visual keys without rotary embedding (Ma et al., arXiv 2312.08870). */
    record Vista() implements Positions {
        @Override
        public PositionPolicy policy() {
            return PositionPolicy.RECOMPACT;
        }

        @Override
        public Optional<RotaryLayout> rotary(int visualStart, int[] frameOfRow) {
            return Optional.of(RotaryLayout.vista(visualStart, frameOfRow.length));
        }
    }

    /**
     * TC-LLaVA: rotation by n + γ·(temporal id) and a frame-block-causal mask (Gao et al., arXiv 2409.03206).
     *
     * @param gamma the weight of the temporal id, finite and non-negative
     */
    record TcLlava(double gamma) implements Positions {
        public TcLlava {
            if (!Double.isFinite(gamma) || gamma < 0) {
                throw new BadInputException("TC-LLaVA gamma must be finite and non-negative, got " + gamma);
            }
        }

        @Override
        public PositionPolicy policy() {
            return PositionPolicy.RECOMPACT;
        }

        @Override
        public Optional<RotaryLayout> rotary(int visualStart, int[] frameOfRow) {
            return Optional.of(RotaryLayout.tcLlava(gamma, visualStart, frameOfRow));
        }
    }

    /** Whether the scheme rotates visual rows differently from text (so it needs one block of consecutive ids). */
    default boolean rotatesVisualRows() {
        return !(this instanceof Rope);
    }

    /**
     * The scheme a command line names ({@link #NAMES}); {@code gamma} is TC-LLaVA's temporal weight.
     *
     * @throws BadInputException for another name
     */
    static Positions parse(String name, double gamma) {
        return switch (name) {
            case "keep" -> KEEP;
            case "recompact" -> RECOMPACT;
            case "vista" -> new Vista();
            case "tclava" -> new TcLlava(gamma);
            default -> throw new BadInputException("position scheme '" + name + "' is not " + String.join(", ", NAMES));
        };
    }
}
