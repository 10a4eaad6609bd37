package io.glimpse.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.glimpse.image.LumaGrid;
import org.junit.jupiter.api.Test;

class CutRefinementTest {
    private static final double FRAME = 0.04;
    private static final double TOLERANCE = FRAME / 2;

    /** A 4×3 grid: a left-to-right ramp around level, shifted by drift (in-shot motion), or the ramp reversed. */
    private static LumaGrid grid(double level, double drift, boolean reversed) {
        float[] cells = new float[12];
        for (int i = 0; i < cells.length; i++) {
            int col = i % 4;
            double ramp = 0.05 * (reversed ? 3 - col : col);
            cells[i] = (float) Math.max(0, Math.min(1, level + ramp + drift));
        }
        return new LumaGrid(4, 3, cells, level, level < 0.06 ? 0.0 : 0.1);
    }

    /** Two shots of one palette, one frame a ramp one way and the next the other way from frame 17 on. */
    @Test
    void aHardCutGoesOnTheFrameThatChangedMost() {
        FrameTrace trace = new FrameTrace();
        for (int i = 0; i <= 25; i++) {
            // Motion within each shot: a drift of 0.01 a frame, larger than nothing but far below the cut.
            trace.add(i * FRAME, grid(0.5, 0.01 * (i % 3), i >= 17), true);
        }
        assertThat(CutRefinement.exactCut(trace, 0, 25 * FRAME, TOLERANCE)).isCloseTo(17 * FRAME, within(1e-9));
        // The same span seen from samples closer to the cut.
        assertThat(CutRefinement.exactCut(trace, 10 * FRAME, 20 * FRAME, TOLERANCE)).isCloseTo(17 * FRAME, within(1e-9));
        // A span that ends before the cut has none: its largest change is ordinary motion, not frame 17.
        assertThat(CutRefinement.exactCut(trace, 0, 12 * FRAME, TOLERANCE)).isLessThan(13 * FRAME);
    }

    /** A fade through black: the cut is at the first black frame, not where the picture changed most. */
    @Test
    void aFadeThroughBlackCutsAtItsFirstBlackFrame() {
        FrameTrace trace = new FrameTrace();
        double[] levels = {0.5, 0.5, 0.4, 0.3, 0.2, 0.1, 0.03, 0.02, 0.03, 0.3, 0.6, 0.6};
        for (int i = 0; i < levels.length; i++) {
            trace.add(i * FRAME, grid(levels[i], 0, i >= 8), true);
        }
        assertThat(CutRefinement.exactCut(trace, 0, 11 * FRAME, TOLERANCE)).isCloseTo(6 * FRAME, within(1e-9));
    }

    /** Frames the pass did not decode (a seek) leave the span unknown rather than guessed. */
    @Test
    void aSpanWithUndecodedFramesIsUnknown() {
        FrameTrace trace = new FrameTrace();
        for (int i = 0; i <= 10; i++) {
            trace.add(i * FRAME, grid(0.5, 0, i >= 5), true);
        }
        for (int i = 40; i <= 50; i++) {
            trace.add(i * FRAME, grid(0.5, 0, i >= 45), i != 40 && i != 43);
        }
        assertThat(CutRefinement.exactCut(trace, 0, 10 * FRAME, TOLERANCE)).isCloseTo(5 * FRAME, within(1e-9));
        assertThat(CutRefinement.exactCut(trace, 41 * FRAME, 50 * FRAME, TOLERANCE)).isNaN();
        assertThat(CutRefinement.exactCut(trace, 43 * FRAME, 50 * FRAME, TOLERANCE)).isCloseTo(45 * FRAME, within(1e-9));
        // Nothing decoded between 10 and 40: a span in there has only the frame on screen at its start.
        assertThat(CutRefinement.exactCut(trace, 20 * FRAME, 30 * FRAME, TOLERANCE)).isNaN();
    }

    /** A sparse stream: the frame on screen at the earlier sample came long before it, and is the one compared. */
    @Test
    void inASparseStreamTheFrameOnScreenAtTheEarlierSampleCounts() {
        FrameTrace trace = new FrameTrace();
        trace.add(0, grid(0.5, 0, false), true);
        trace.add(6.0, grid(0.5, 0, true), true);
        trace.add(11.6, grid(0.5, 0.01, true), true);
        assertThat(CutRefinement.exactCut(trace, 5.0, 6.0, TOLERANCE)).isCloseTo(6.0, within(1e-9));
        assertThat(CutRefinement.exactCut(trace, 3.0, 4.0, TOLERANCE)).isNaN();
    }

    /** Decoding resumed before the last frame added (after a seek back): the frames from there on are replaced. */
    @Test
    void framesDecodedAgainReplaceTheTailAndStartAGap() {
        FrameTrace trace = new FrameTrace();
        for (int i = 0; i <= 5; i++) {
            trace.add(i * FRAME, grid(0.5, 0, false), true);
        }
        trace.add(3 * FRAME, grid(0.5, 0, false), true);
        trace.add(4 * FRAME, grid(0.2, 0, false), true);
        assertThat(trace.size()).isEqualTo(5);
        assertThat(trace.gapBefore(3)).isTrue();
        assertThat(trace.change(4)).isCloseTo(0.3, within(1e-6));
    }

    @Test
    void changeIsTheMeanAbsoluteCellDifference() {
        FrameTrace trace = new FrameTrace();
        trace.add(0, grid(0.5, 0, false), true);
        trace.add(FRAME, grid(0.5, 0, true), true);
        // Ramp 0, .05, .10, .15 against .15, .10, .05, 0: differences .15, .05, .05, .15 in every row.
        assertThat(trace.change(1)).isCloseTo(0.1, within(1e-6));
        assertThat(trace.change(0)).isNaN();
        assertThat(trace.gapBefore(0)).isFalse();
    }
}
