package io.glimpse.reduce;

import static org.assertj.core.api.Assertions.assertThat;

import io.glimpse.tokens.FrameInfo;
import io.glimpse.tokens.TokenSet;
import java.util.Arrays;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

class HiPruneProperties {
    private static final String OBJECT = "received@9";
    private static final String DEEP = "received@23";

    @Provide
    Arbitrary<TokenSetCases.Case> cases() {
        return TokenSetCases.any();
    }

    @Property(tries = 300)
    void keepsAnchorsTheirNeighboursAndTopRegistersPerFrame(@ForAll("cases") TokenSetCases.Case c,
            @ForAll int b, @ForAll @DoubleRange(min = 0, max = 1) double alpha,
            @ForAll @IntRange(min = 0, max = 1) int eight) {
        TokenSet in = c.tokens();
        int neighbourhood = eight == 1 ? 8 : 4;
        int[][] byFrame = ReduceChecks.tokensByFrame(in);
        int frames = (int) Arrays.stream(byFrame).filter(f -> f.length > 0).count();
        int budget = frames + Math.floorMod(b, in.size() - frames + 1);
        HiPrune hiprune = new HiPrune(Budget.count(budget), alpha, "received", 9, 23, neighbourhood, false);
        ReduceContext ctx = c.context(OBJECT, DEEP);
        TokenSet out = hiprune.apply(in, ctx);

        int[] quota = hiprune.frameBudgets(in);
        assertThat(Arrays.stream(quota).sum()).isEqualTo(budget);
        TokenSetInvariants.check(hiprune, in, ctx, out, budget, true);

        boolean[] kept = new boolean[in.size()];
        for (int t = 0; t < out.size(); t++) {
            int u = in.origin(out.patchIndex(out.frame(t), out.row(t), out.col(t)));
            kept[u] = true;
            assertThat(out.vector(t)).isEqualTo(in.vector(u));
        }
        float[] object = TokenSetInvariants.tokenScores(in, ctx.attention().spelled().get(OBJECT));
        float[] deep = TokenSetInvariants.tokenScores(in, ctx.attention().spelled().get(DEEP));
        for (int f = 0; f < byFrame.length; f++) {
            int[] tokens = byFrame[f];
            if (tokens.length == 0) {
                continue;
            }
            int frame = f;
            assertThat(Arrays.stream(out.tokenFrames()).filter(g -> g == frame).count())
                    .as("frame %d keeps its share", f).isEqualTo(quota[f]);
            int anchors = hiprune.anchors(quota[f]);
            boolean[] chosen = new boolean[in.size()];
            for (int a : tokens) {
                int better = 0;
                for (int z : tokens) {
                    if (z != a && TokenSetInvariants.ranksBefore(object, z, a)) {
                        better++;
                    }
                }
                if (better >= anchors) {
                    continue;
                }
                assertThat(kept[a]).as("anchor %d kept", a).isTrue();
                chosen[a] = true;
                for (int z : tokens) {
                    if (isGridNeighbour(in, a, z, neighbourhood)) {
                        assertThat(kept[z]).as("buffer %d next to anchor %d kept", z, a).isTrue();
                        chosen[z] = true;
                    }
                }
            }
            for (int r : tokens) {
                for (int z : tokens) {
                    if (kept[r] && !chosen[r] && !kept[z]) {
                        assertThat(TokenSetInvariants.ranksBefore(deep, r, z))
                                .as("register %d must outrank dropped %d on the deep map", r, z).isTrue();
                    }
                }
            }
        }
    }

    /** Whether z stands for a patch adjacent to a's anchor patch in a's frame. */
    private static boolean isGridNeighbour(TokenSet in, int a, int z, int neighbourhood) {
        FrameInfo fi = in.frameInfo(in.frame(a));
        for (int r = 0; r < fi.gridH(); r++) {
            for (int col = 0; col < fi.gridW(); col++) {
                int dr = Math.abs(r - in.row(a));
                int dc = Math.abs(col - in.col(a));
                boolean adjacent = neighbourhood == 4 ? dr + dc == 1 : Math.max(dr, dc) == 1;
                if (adjacent && in.origin(in.patchIndex(in.frame(a), r, col)) == z) {
                    return true;
                }
            }
        }
        return false;
    }
}
