package io.glimpse.tokens;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenSetProperties {

    static TokenSet randomGrid(Random r, int frames, int maxSide, int d) {
        List<FrameInfo> fs = new ArrayList<>();
        int total = 0;
        for (int f = 0; f < frames; f++) {
            int h = 1 + r.nextInt(maxSide);
            int w = 1 + r.nextInt(maxSide);
            fs.add(new FrameInfo(f * 0.5, h, w, w * 14, h * 14, 0, -1));
            total += h * w;
        }
        float[] e = new float[total * d];
        for (int i = 0; i < e.length; i++) {
            e[i] = (float) r.nextGaussian();
        }
        return TokenSet.fromGrid(e, d, fs);
    }

    /** Re-validates every structural invariant by rebuilding through the checking factory. */
    static void assertValid(TokenSet t) {
        TokenSet.of(t.dim(), t.embeddingsView().clone(), t.tokenFrames(), t.rows(), t.cols(), t.sizes(), t.scores(),
                t.frames(), t.origin());
        int sizeSum = Arrays.stream(t.sizes()).sum();
        assertThat(sizeSum).isEqualTo(t.keptPatches());
    }

    @Property(tries = 300)
    void randomSelectionsAndGroupingsKeepTheInvariants(@ForAll long seed, @ForAll @IntRange(min = 1, max = 4) int frames) {
        Random r = new Random(seed);
        TokenSet t = randomGrid(r, frames, 6, 3);
        for (int step = 0; step < 3 && t.size() > 0; step++) {
            if (r.nextBoolean()) {
                int[] keep = r.ints(0, t.size()).distinct().limit(1 + r.nextInt(t.size())).toArray();
                t = t.selectInOrder(keep);
            } else {
                int m = 1 + r.nextInt(t.size());
                int[] target = new int[t.size()];
                for (int i = 0; i < target.length; i++) {
                    target[i] = i < m ? i : r.nextInt(m + 1) - 1;
                }
                t = t.regroup(target, m, null);
            }
            assertValid(t);
            for (int i = 1; i < t.size(); i++) {
                int prev = t.patchIndex(t.frame(i - 1), t.row(i - 1), t.col(i - 1));
                int cur = t.patchIndex(t.frame(i), t.row(i), t.col(i));
                assertThat(cur).as("tokens stay in (frame,row,col) order").isGreaterThan(prev);
            }
        }
    }

    @Property(tries = 100)
    void regroupAveragesBySize(@ForAll long seed) {
        Random r = new Random(seed);
        TokenSet t = randomGrid(r, 1, 4, 2);
        int[] target = new int[t.size()];
        TokenSet one = t.regroup(target, 1, null);
        double[] mean = new double[2];
        for (int i = 0; i < t.size(); i++) {
            mean[0] += t.get(i, 0) / t.size();
            mean[1] += t.get(i, 1) / t.size();
        }
        assertThat(one.size()).isEqualTo(1);
        assertThat(one.tokenSize(0)).isEqualTo(t.size());
        assertThat((double) one.get(0, 0)).isCloseTo(mean[0], org.assertj.core.data.Offset.offset(1e-5));
        assertThat((double) one.get(0, 1)).isCloseTo(mean[1], org.assertj.core.data.Offset.offset(1e-5));
        assertThat(Arrays.stream(one.origin()).allMatch(o -> o == 0)).isTrue();
    }

    @Property(tries = 100)
    void tokenFileRoundTrips(@ForAll long seed) throws IOException {
        Random r = new Random(seed);
        TokenSet t = randomGrid(r, 1 + r.nextInt(3), 5, 4);
        int[] keep = r.ints(0, t.size()).distinct().limit(1 + r.nextInt(t.size())).toArray();
        float[] scores = new float[keep.length];
        Arrays.sort(keep);
        for (int i = 0; i < scores.length; i++) {
            scores[i] = r.nextFloat();
        }
        t = t.select(keep, scores);
        Path f = Files.createTempFile("tok", ".safetensors");
        try {
            TokenFile.write(t, f, Map.of("encoder", "test"));
            assertThat(TokenFile.read(f)).isEqualTo(t);
        } finally {
            Files.deleteIfExists(f);
        }
    }

    @Property(tries = 50)
    void inconsistentProvenanceIsRejected(@ForAll long seed) {
        Random r = new Random(seed);
        TokenSet t = randomGrid(r, 2, 4, 2);
        int[] sizes = t.sizes();
        sizes[r.nextInt(sizes.length)] += 1;
        assertThatThrownBy(() -> TokenSet.of(t.dim(), t.embeddingsView().clone(), t.tokenFrames(), t.rows(), t.cols(),
                sizes, null, t.frames(), t.origin())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("size");
    }
}
