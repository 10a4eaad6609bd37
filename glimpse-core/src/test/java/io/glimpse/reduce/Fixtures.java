package io.glimpse.reduce;

import io.glimpse.tokens.FrameInfo;
import io.glimpse.tokens.TokenSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Token sets for reducer tests and the invariant checks every reducer must pass ({@link TokenSetInvariants}). */
final class Fixtures {
    private Fixtures() {
    }

    /** How the embeddings of a generated token set look. */
    enum Content { RANDOM, DUPLICATES, ALL_EQUAL, SOME_ZERO, ALL_ZERO, HUGE }

    static List<FrameInfo> frames(int count, int h, int w) {
        return frames(count, h, w, false);
    }

    /** Frames of h×w patches, or with {@code mixed} every odd frame w×h (a grid change mid-video). */
    static List<FrameInfo> frames(int count, int h, int w, boolean mixed) {
        List<FrameInfo> f = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            boolean swap = mixed && i % 2 == 1;
            int gh = swap ? w : h;
            int gw = swap ? h : w;
            f.add(new FrameInfo(i * 0.5, gh, gw, gw * 14, gh * 14, 0, -1));
        }
        return f;
    }

    /** A full grid from explicit rows (one float[] per patch, frame by frame, row-major). */
    static TokenSet grid(int frames, int h, int w, float[]... rows) {
        int d = rows[0].length;
        float[] e = new float[rows.length * d];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, e, i * d, d);
        }
        return TokenSet.fromGrid(e, d, frames(frames, h, w));
    }

    static TokenSet generate(int frames, int h, int w, int d, Content content, boolean preReduced, long seed) {
        return generate(frames, h, w, d, content, preReduced, false, seed);
    }

    static TokenSet generate(int frames, int h, int w, int d, Content content, boolean preReduced, boolean mixedGrids,
                             long seed) {
        Random rnd = new Random(seed);
        int n = frames * h * w;
        float[] e = new float[n * d];
        float[][] pool = new float[3][d];
        for (float[] v : pool) {
            for (int j = 0; j < d; j++) {
                v[j] = (float) rnd.nextGaussian();
            }
        }
        for (int t = 0; t < n; t++) {
            for (int j = 0; j < d; j++) {
                e[t * d + j] = switch (content) {
                    case RANDOM -> (float) rnd.nextGaussian();
                    case DUPLICATES -> pool[Math.floorMod(t * 7 + 3 * (t / 5), 3)][j];
                    case ALL_EQUAL -> pool[0][j];
                    case SOME_ZERO -> t % 3 == 0 ? 0f : (float) rnd.nextGaussian();
                    case ALL_ZERO -> 0f;
                    case HUGE -> (float) (rnd.nextGaussian() * 1e30);
                };
            }
        }
        TokenSet full = TokenSet.fromGrid(e, d, frames(frames, h, w, mixedGrids));
        if (!preReduced || n < 2) {
            return full;
        }
        int[] group = new int[n];
        int groups = 0;
        for (int t = 0; t < n; t++) {
            boolean joinPrevious = t > 0 && full.frame(t) == full.frame(t - 1) && rnd.nextInt(3) == 0;
            group[t] = joinPrevious ? group[t - 1] : groups++;
        }
        int drop = rnd.nextInt(groups);
        for (int t = 0; t < n; t++) {
            if (group[t] == drop && groups > 1) {
                group[t] = -1;
            } else if (groups > 1 && group[t] > drop) {
                group[t]--;
            }
        }
        return full.regroup(group, groups > 1 ? groups - 1 : groups, null);
    }

    static Arbitrary<TokenSet> tokenSets() {
        return Combinators.combine(
                Arbitraries.integers().between(1, 4),
                Arbitraries.integers().between(1, 4),
                Arbitraries.integers().between(1, 4),
                Arbitraries.integers().between(1, 5),
                Arbitraries.of(Content.class),
                Arbitraries.of(false, true),
                Arbitraries.of(false, true),
                Arbitraries.longs()).as(Fixtures::generate);
    }

    /**
     * Checks the reducer invariants 2-5 of {@link TokenSetInvariants} plus provenance consistency: patches dropped before stay dropped, and
     * patches that shared a token still share one (reducers merge or drop tokens, never split them).
     */
    static void checkInvariants(TokenSet in, TokenSet out, Reducer reducer, ReduceContext ctx) {
        TokenSet rebuilt = TokenSet.of(out.dim(), out.embeddingsView().clone(), out.tokenFrames(), out.rows(),
                out.cols(), out.sizes(), out.scores(), out.frames(), out.origin());
        assertThat(rebuilt).isEqualTo(out);
        assertThat(Arrays.stream(out.sizes()).sum()).isEqualTo(out.keptPatches());
        for (int t = 0; t < out.size(); t++) {
            assertThat(out.origin(out.patchIndex(out.frame(t), out.row(t), out.col(t))))
                    .as("token %d is anchored at a patch it represents", t).isEqualTo(t);
            if (t > 0) {
                assertThat(out.patchIndex(out.frame(t), out.row(t), out.col(t)))
                        .as("tokens in (frame,row,col) order")
                        .isGreaterThan(out.patchIndex(out.frame(t - 1), out.row(t - 1), out.col(t - 1)));
            }
        }
        int[] outOf = new int[in.size()];
        Arrays.fill(outOf, -2);
        for (int p = 0; p < in.patchCount(); p++) {
            int before = in.origin(p);
            int after = out.origin(p);
            if (before < 0) {
                assertThat(after).as("patch %d was dropped before", p).isEqualTo(-1);
                continue;
            }
            if (outOf[before] == -2) {
                outOf[before] = after;
            }
            assertThat(after).as("patches of input token %d stay together", before).isEqualTo(outOf[before]);
        }
        assertThat(out.size()).isLessThanOrEqualTo(in.size());
        if (in.isFinite()) {
            assertThat(out.isFinite()).as("no NaN/Inf out").isTrue();
        }
        assertThat(reducer.apply(in, ctx)).as("deterministic").isEqualTo(out);
    }

    /** Number of frames that hold at least one token. */
    static int framesWithTokens(TokenSet in) {
        return (int) Arrays.stream(in.tokenFrames()).distinct().count();
    }
}
