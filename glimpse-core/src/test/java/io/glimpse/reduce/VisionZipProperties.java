package io.glimpse.reduce;

import static org.assertj.core.api.Assertions.assertThat;

import io.glimpse.tokens.TokenSet;
import java.util.Arrays;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class VisionZipProperties {
    private static final String KEY = "cls@23";

    @Provide
    Arbitrary<TokenSetCases.Case> cases() {
        return TokenSetCases.any();
    }

    @Property(tries = 300)
    void keepsTopDominantAloneAndMergesTheRestBySizeWeightedMeans(@ForAll("cases") TokenSetCases.Case c,
            @ForAll @IntRange(min = 0, max = 1000) int a, @ForAll @IntRange(min = 0, max = 1000) int b) {
        TokenSet in = c.tokens();
        int total = 1 + a % c.minFrameTokens();
        int dominant = b % (total + 1);
        int contextual = total - dominant;
        VisionZip zip = new VisionZip(dominant, contextual, null, "cls", 23, SimilarityMetric.ON_EMBEDDINGS,
                ContextualMerge.Aggregation.MEAN);
        ReduceContext ctx = c.context(KEY);
        TokenSet out = zip.apply(in, ctx);

        int[][] byFrame = ReduceChecks.tokensByFrame(in);
        int frames = (int) Arrays.stream(byFrame).filter(f -> f.length > 0).count();
        TokenSetInvariants.check(zip, in, ctx, out, frames * total, true);
        TokenSetInvariants.checkSizeWeightedMeans(in, out);

        float[] score = TokenSetInvariants.tokenScores(in, ctx.attention().spelled().get(KEY));
        int[] members = new int[out.size()];
        int[] group = new int[in.size()];
        for (int u = 0; u < in.size(); u++) {
            group[u] = out.origin(in.patchIndex(in.frame(u), in.row(u), in.col(u)));
            if (group[u] >= 0) {
                members[group[u]]++;
            }
        }
        for (int[] tokens : byFrame) {
            for (int u : tokens) {
                long better = Arrays.stream(tokens).filter(z -> z != u && TokenSetInvariants.ranksBefore(score, z, u)).count();
                if (better < dominant) {
                    assertThat(members[group[u]]).as("dominant token %d stays alone", u).isEqualTo(1);
                    assertThat(out.vector(group[u])).isEqualTo(in.vector(u));
                } else {
                    assertThat(group[u] >= 0).as("token %d merged (contextual) or dropped (none)", u)
                            .isEqualTo(contextual > 0);
                }
            }
        }
    }
}
