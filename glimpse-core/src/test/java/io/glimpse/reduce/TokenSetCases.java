package io.glimpse.reduce;

import io.glimpse.tokens.AttentionMaps;
import io.glimpse.tokens.FrameInfo;
import io.glimpse.tokens.TokenSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Random token sets for reducer properties: 1–3 frames, small grids, duplicates, equal or zero vectors. */
final class TokenSetCases {
    private TokenSetCases() {
    }

    /** A token set and the seed its attention maps are drawn from. */
    record Case(TokenSet tokens, long seed) {
        /** Random per-patch maps for the given keys; values on a coarse grid so ties occur. */
        ReduceContext context(String... keys) {
            Random rnd = new Random(seed);
            Map<String, float[]> maps = new HashMap<>();
            for (String key : keys) {
                float[] m = new float[tokens.patchCount()];
                for (int p = 0; p < m.length; p++) {
                    m[p] = rnd.nextInt(5) / 4f;
                }
                maps.put(key, m);
            }
            return new ReduceContext(seed, AttentionMaps.parse(maps), null);
        }

        /** Fewest tokens any non-empty frame holds. */
        int minFrameTokens() {
            return Arrays.stream(ReduceChecks.tokensByFrame(tokens)).mapToInt(f -> f.length).filter(n -> n > 0).min()
                    .orElse(0);
        }

        @Override
        public String toString() {
            return tokens + " seed=" + seed;
        }
    }

    /** Untouched grids, one token per patch. */
    static Arbitrary<Case> fresh() {
        return Combinators.combine(Arbitraries.integers().between(1, 3), Arbitraries.integers().between(1, 4),
                Arbitraries.integers().between(0, 3), Arbitraries.longs()).as((frames, dim, kind, seed) ->
                new Case(grid(frames, dim, kind, new Random(seed)), seed));
    }

    /** Grids that earlier reducers already thinned (dropped tokens) and merged (horizontal pairs). */
    static Arbitrary<Case> any() {
        return Combinators.combine(fresh(), Arbitraries.integers().between(0, 2)).as((c, how) -> {
            Random rnd = new Random(c.seed() ^ 0x5DEECE66DL);
            TokenSet t = c.tokens();
            if (how >= 1) {
                t = dropSome(t, rnd);
            }
            if (how == 2) {
                t = mergePairs(t, rnd);
            }
            return new Case(t, c.seed());
        });
    }

    private static TokenSet grid(int frames, int dim, int kind, Random rnd) {
        List<FrameInfo> info = new ArrayList<>();
        int patches = 0;
        for (int f = 0; f < frames; f++) {
            int h = 1 + rnd.nextInt(6);
            int w = 1 + rnd.nextInt(6);
            info.add(new FrameInfo(f, h, w, w * 14, h * 14, 0, -1));
            patches += h * w;
        }
        float[] e = new float[patches * dim];
        float constant = rnd.nextInt(7) - 3;
        for (int i = 0; i < e.length; i++) {
            e[i] = switch (kind) {
                case 0 -> rnd.nextInt(5) - 2;
                case 1 -> constant;
                case 2 -> 0f;
                default -> (float) rnd.nextGaussian();
            };
        }
        return TokenSet.fromGrid(e, dim, info);
    }

    private static TokenSet dropSome(TokenSet t, Random rnd) {
        int[] keep = new int[t.size()];
        int n = 0;
        for (int i = 0; i < t.size(); i++) {
            if (rnd.nextInt(4) != 0 || (n == 0 && i == t.size() - 1)) {
                keep[n++] = i;
            }
        }
        return t.select(Arrays.copyOf(keep, n), null);
    }

    private static TokenSet mergePairs(TokenSet t, Random rnd) {
        int[] target = new int[t.size()];
        List<Integer> anchors = new ArrayList<>();
        int groups = 0;
        for (int i = 0; i < t.size(); i++) {
            boolean pair = i + 1 < t.size() && t.frame(i + 1) == t.frame(i) && rnd.nextBoolean();
            target[i] = groups;
            anchors.add(pair && rnd.nextBoolean() ? i + 1 : i);
            if (pair) {
                target[++i] = groups;
            }
            groups++;
        }
        return t.regroup(target, groups, anchors.stream().mapToInt(Integer::intValue).toArray());
    }
}
