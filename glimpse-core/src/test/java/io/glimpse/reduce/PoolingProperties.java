package io.glimpse.reduce;

import static org.assertj.core.api.Assertions.assertThat;

import io.glimpse.tokens.FrameInfo;
import io.glimpse.tokens.TokenSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class PoolingProperties {
    @Provide
    Arbitrary<TokenSetCases.Case> cases() {
        return TokenSetCases.any();
    }

    @Provide
    Arbitrary<TokenSetCases.Case> freshCases() {
        return TokenSetCases.fresh();
    }

    private static int minGrid(TokenSet in) {
        return in.frames().stream().mapToInt(f -> Math.min(f.gridH(), f.gridW())).min().orElseThrow();
    }

    @Property(tries = 200)
    void matryoshkaKeepsInvariants(@ForAll("cases") TokenSetCases.Case c, @ForAll @IntRange(min = 1, max = 100) int k) {
        TokenSet in = c.tokens();
        int kernel = 1 + (k - 1) % minGrid(in);
        MatryoshkaPool pool = new MatryoshkaPool(kernel);
        TokenSet out = pool.apply(in, ReduceContext.defaults());
        int budget = in.frames().stream().mapToInt(f -> (f.gridH() / kernel) * (f.gridW() / kernel)).sum();
        TokenSetInvariants.check(pool, in, ReduceContext.defaults(), out, budget, false);
    }

    @Property(tries = 200)
    void matryoshkaOnAFreshGridIsSizeWeightedMeansOfFullWindows(@ForAll("freshCases") TokenSetCases.Case c,
            @ForAll @IntRange(min = 1, max = 100) int k) {
        TokenSet in = c.tokens();
        int kernel = 1 + (k - 1) % minGrid(in);
        MatryoshkaPool pool = new MatryoshkaPool(kernel);
        TokenSet out = pool.apply(in, ReduceContext.defaults());
        int budget = in.frames().stream().mapToInt(f -> (f.gridH() / kernel) * (f.gridW() / kernel)).sum();
        TokenSetInvariants.check(pool, in, ReduceContext.defaults(), out, budget, true);
        TokenSetInvariants.checkSizeWeightedMeans(in, out);
        for (int t = 0; t < out.size(); t++) {
            assertThat(out.tokenSize(t)).isEqualTo(kernel * kernel);
        }
    }

    @Property(tries = 200)
    void adaptivePoolKeepsInvariants(@ForAll("cases") TokenSetCases.Case c, @ForAll @IntRange(min = 1, max = 100) int h,
            @ForAll @IntRange(min = 1, max = 100) int w) {
        TokenSet in = c.tokens();
        int outH = 1 + (h - 1) % in.frames().stream().mapToInt(FrameInfo::gridH).min().orElseThrow();
        int outW = 1 + (w - 1) % in.frames().stream().mapToInt(FrameInfo::gridW).min().orElseThrow();
        AdaptivePool pool = new AdaptivePool(outH, outW);
        TokenSet out = pool.apply(in, ReduceContext.defaults());
        TokenSetInvariants.check(pool, in, ReduceContext.defaults(), out, in.frameCount() * outH * outW,
                in.size() == in.patchCount());
    }

    @Property(tries = 100)
    void nestedScalesAgreeAndAdaptiveMatchesFixedKernels(@ForAll @IntRange(min = 1, max = 3) int a,
            @ForAll @IntRange(min = 1, max = 3) int b, @ForAll @IntRange(min = 1, max = 3) int frames,
            @ForAll long seed) {
        Random rnd = new Random(seed);
        List<FrameInfo> info = new ArrayList<>();
        for (int f = 0; f < frames; f++) {
            info.add(new FrameInfo(f, 4 * a, 4 * b, 56 * b, 56 * a, 0, -1));
        }
        float[] e = new float[frames * 16 * a * b * 2];
        for (int i = 0; i < e.length; i++) {
            e[i] = rnd.nextInt(9) - 4;
        }
        TokenSet in = TokenSet.fromGrid(e, 2, info);
        ReduceContext ctx = ReduceContext.defaults();

        TokenSet nested = new MatryoshkaPool(4).apply(new MatryoshkaPool(2).apply(in, ctx), ctx);
        TokenSet once = new MatryoshkaPool(4).apply(in, ctx);
        TokenSet adaptive = new AdaptivePool(a, b).apply(in, ctx);

        assertThat(nested).isEqualTo(once);
        assertThat(adaptive).isEqualTo(once);
    }
}
