package io.glimpse.reduce;

import io.glimpse.tokens.TokenSet;
import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class VisionDropProperties {
    @Provide
    Arbitrary<TokenSetCases.Case> cases() {
        return TokenSetCases.any();
    }

    @Property(tries = 300)
    void stagesKeepTheScheduleAndMergeBySizeWeightedMeans(@ForAll("cases") TokenSetCases.Case c,
            @ForAll @IntRange(min = 1, max = 3) int stages, @ForAll long scheduleSeed) {
        TokenSet in = c.tokens();
        Random rnd = new Random(scheduleSeed);
        int[] dominant = new int[stages];
        int[] contextual = new int[stages];
        int total = c.minFrameTokens();
        for (int s = 0; s < stages; s++) {
            total = 1 + rnd.nextInt(total);
            dominant[s] = rnd.nextInt(total + 1);
            contextual[s] = total - dominant[s];
        }
        int[] layers = new int[stages];
        for (int s = 0; s < stages; s++) {
            layers[s] = 21 + s;
        }
        VisionDrop drop = new VisionDrop(dominant, contextual, "received", layers);
        ReduceContext ctx = c.context("received@21", "received@22", "received@23");
        TokenSet out = drop.apply(in, ctx);

        int frames = (int) Arrays.stream(ReduceChecks.tokensByFrame(in)).filter(f -> f.length > 0).count();
        TokenSetInvariants.check(drop, in, ctx, out, frames * total, true);
        TokenSetInvariants.checkSizeWeightedMeans(in, out);
    }
}
