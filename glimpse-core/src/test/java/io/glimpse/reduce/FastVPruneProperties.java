package io.glimpse.reduce;

import static org.assertj.core.api.Assertions.assertThat;

import io.glimpse.tokens.TokenSet;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class FastVPruneProperties {
    private static final String KEY = "received@23";

    @Provide
    Arbitrary<TokenSetCases.Case> cases() {
        return TokenSetCases.any();
    }

    @Property(tries = 200)
    void keepsExactlyTheTopKByAttention(@ForAll("cases") TokenSetCases.Case c, @ForAll @IntRange(min = 1, max = 500) int b) {
        TokenSet in = c.tokens();
        int budget = 1 + (b - 1) % in.size();
        FastVPrune fastv = new FastVPrune(Budget.count(budget), "received", 23);
        ReduceContext ctx = c.context(KEY);
        TokenSet out = fastv.apply(in, ctx);

        TokenSetInvariants.check(fastv, in, ctx, out, budget, true);
        float[] score = TokenSetInvariants.tokenScores(in, ctx.attention().spelled().get(KEY));
        boolean[] kept = new boolean[in.size()];
        for (int t = 0; t < out.size(); t++) {
            int u = in.origin(out.patchIndex(out.frame(t), out.row(t), out.col(t)));
            kept[u] = true;
            assertThat(out.vector(t)).isEqualTo(in.vector(u));
            assertThat(out.tokenSize(t)).isEqualTo(in.tokenSize(u));
            assertThat(out.score(t)).isEqualTo(score[u]);
        }
        for (int a = 0; a < in.size(); a++) {
            for (int z = 0; z < in.size(); z++) {
                if (kept[a] && !kept[z]) {
                    assertThat(TokenSetInvariants.ranksBefore(score, a, z))
                            .as("kept %d must outrank dropped %d", a, z).isTrue();
                }
            }
        }
    }
}
