package io.glimpse.lm;

import io.glimpse.io.SafeTensors;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Arrays;

import static io.glimpse.lm.LmFixtures.assertClose;
import static io.glimpse.lm.LmFixtures.floats;
import static io.glimpse.lm.LmFixtures.ints;
import static io.glimpse.lm.LmFixtures.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A conversation continued from a copied prefix of another's cache sees what a fresh prefill of the whole prompt sees. */
class KvCachePrefixTest {
    @Test
    void continuingFromAPrefixGivesTheGoldenLogitsOfTheWholePrompt() throws IOException {
        DecoderModel m = DecoderModel.load(LmFixtures.dir("qwen2"));
        SafeTensors g = LmFixtures.golden("qwen2");
        int[] ids = ints(g, "long.ids");
        int d = m.config().hiddenSize();
        // An earlier conversation shared the first half and then went elsewhere.
        int shared = ids.length / 2;
        int[] other = Arrays.copyOf(ids, ids.length);
        for (int i = shared; i < other.length; i++) {
            other[i] = (ids[i] + 1) % m.config().vocabSize();
        }
        KvCache earlier = m.newCache(64);
        m.forward(earlier, m.embed(other), range(0, other.length), 1);

        KvCache cache = earlier.prefix(shared, shared, ids.length);
        float[] rest = Arrays.copyOfRange(m.embed(ids), shared * d, ids.length * d);
        float[] logits = m.forward(cache, rest, range(shared, ids.length - shared), ids.length - shared);

        float[] whole = floats(g, "long.logits");
        int vocab = m.config().vocabSize();
        assertClose(logits, Arrays.copyOfRange(whole, shared * vocab, whole.length));
        assertThat(cache.nextPosition()).isEqualTo(ids.length);
        assertThat(earlier.length(0)).as("the source is only read").isEqualTo(other.length);
    }

    @Test
    void aPrefixLongerThanTheCacheOrOfAPrunedCacheIsRefused() throws IOException {
        DecoderModel m = DecoderModel.load(LmFixtures.dir("qwen2"));
        KvCache cache = m.newCache(8);
        m.forward(cache, m.embed(new int[] {1, 2, 3}), range(0, 3), 1);
        assertThatThrownBy(() -> cache.prefix(4, 4, 8)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> cache.prefix(3, 3, 2)).isInstanceOf(IllegalArgumentException.class);
        // Dropping the last row before layer 1 leaves layer 0 one token longer than the rest.
        KvCache pruned = m.newCache(8);
        m.forward(pruned, m.embed(new int[] {1, 2, 3}), range(0, 3), 1, new LayerPruner() {
            @Override
            public boolean actsBefore(int layer) {
                return layer == 1;
            }

            @Override
            public int[] keep(int layer, LayerAttention attention) {
                return new int[] {0, 1};
            }
        }, null);
        assertThat(pruned.length(0)).isEqualTo(3);
        assertThat(pruned.length(1)).isEqualTo(2);
        assertThatThrownBy(() -> pruned.prefix(2, 2, 8)).isInstanceOf(IllegalStateException.class);
        KvCache vista = m.newCache(8, RotaryLayout.vista(1, 1));
        assertThatThrownBy(() -> vista.prefix(0, 0, 8)).isInstanceOf(IllegalStateException.class);
    }
}
