package io.glimpse.lm.prune;

import io.glimpse.lm.LayerAttention;
import io.glimpse.lm.DecoderModel;
import io.glimpse.lm.KvCache;
import io.glimpse.lm.LayerPruner;
import io.glimpse.lm.LmFixtures;
import io.glimpse.lm.PositionPolicy;
import io.glimpse.io.SafeTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;

import static io.glimpse.lm.LmFixtures.assertClose;
import static io.glimpse.lm.LmFixtures.floats;
import static io.glimpse.lm.LmFixtures.ints;
import static io.glimpse.lm.LmFixtures.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** AIM and ToDRE against the goldens of make_fixtures.py (same prompt and visual rows as the FastV golden). */
class ProgressivePrunersTest {
    private static float[] run(DecoderModel m, SafeTensors g, LayerPruner pruner, KvCache cache, int logitRows) {
        float[] inputs = floats(g, "fastv.inputs");
        return m.forward(cache, inputs, range(0, inputs.length / m.config().hiddenSize()), logitRows, pruner);
    }

    @ParameterizedTest
    @ValueSource(strings = {"qwen2", "llama"})
    void aimPrunesProgressivelyAsTheGolden(String name) throws IOException {
        DecoderModel m = DecoderModel.load(LmFixtures.dir(name));
        SafeTensors g = LmFixtures.golden(name);
        int[] c = ints(g, "fastv.config");
        int[] kept = ints(g, "aim.kept");
        AimLayerPruner aim = new AimLayerPruner(0, 0.25, c[1], c[2], 0.1f, 5, PositionPolicy.KEEP_ORIGINAL);
        KvCache cache = m.newCache(64);
        assertClose(run(m, g, aim, cache, kept.length), floats(g, "aim.logits"));
        // retain 0.75 after layer 0 and 0.5 after layer 1: floor(0.75·count), then floor(0.5·count) visual rows remain.
        int rows = floats(g, "fastv.inputs").length / m.config().hiddenSize();
        int text = rows - c[2];
        assertThat(cache.length(0)).isEqualTo(rows);
        assertThat(cache.length(1)).isEqualTo(text + (int) Math.floor(0.75 * c[2]));
        assertThat(cache.length(2)).isEqualTo(kept.length).isEqualTo(text + (int) Math.floor(0.5 * c[2]));
    }

    @Test
    void aimScheduleFallsLinearlyFromTheFirstLayer() {
        AimLayerPruner aim = AimLayerPruner.defaults(28, 5, 100);
        assertThat(aim.retain(13)).isEqualTo(1);
        assertThat(aim.retain(14)).isEqualTo(0.875);
        assertThat(aim.retain(20)).isEqualTo(0.125);
        assertThat(aim.retain(21)).isZero();
        assertThat(aim.actsBefore(14)).isFalse();
        assertThat(aim.actsBefore(15)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"qwen2", "llama"})
    void toDreSharesAndDropMatchTheGolden(String name) throws IOException {
        DecoderModel m = DecoderModel.load(LmFixtures.dir(name));
        SafeTensors g = LmFixtures.golden(name);
        int[] c = ints(g, "fastv.config");
        float[] shares = floats(g, "todre.shares");
        int check = m.config().layers() - 2;
        double[] seen = new double[2];
        LayerPruner probe = new LayerPruner() {
            @Override
            public boolean actsBefore(int layer) {
                return layer == check + 1;
            }

            @Override
            public int[] keep(int layer, LayerAttention attention) {
                double[] s = ToDreLayerPruner.shares(attention, c[1], c[2]);
                seen[0] = s[0];
                seen[1] = s[1];
                return range(0, attention.rows());
            }
        };
        run(m, g, probe, m.newCache(64), 1);
        assertThat(seen[0]).isCloseTo(shares[0], within(1e-5));
        assertThat(seen[1]).isZero();

        int[] kept = ints(g, "todre.kept");
        KvCache dropped = m.newCache(64);
        float[] logits = run(m, g, new ToDreLayerPruner(check, c[1], c[2], shares[0] + 0.01, PositionPolicy.KEEP_ORIGINAL),
                dropped, kept.length);
        assertClose(logits, floats(g, "todre.logits"));
        assertThat(dropped.length(check + 1)).isEqualTo(kept.length);

        KvCache untouched = m.newCache(64);
        run(m, g, new ToDreLayerPruner(check, c[1], c[2], shares[0] - 0.01, PositionPolicy.KEEP_ORIGINAL), untouched, 1);
        assertThat(untouched.length(check + 1)).isEqualTo(untouched.length(0));
    }

    @Test
    void toDreChecksAtSevenEighthsOfTheDepth() {
        assertThat(ToDreLayerPruner.defaults(32, 5, 100).actsBefore(29)).isTrue();
        assertThat(ToDreLayerPruner.defaults(32, 5, 100).actsBefore(28)).isFalse();
        assertThat(ToDreLayerPruner.defaults(24, 5, 100).actsBefore(22)).isTrue();
        assertThat(ToDreLayerPruner.defaults(3, 5, 100).actsBefore(2)).isTrue();
    }

    @Test
    void badSettingsAreRejected() {
        assertThatThrownBy(() -> new AimLayerPruner(0, 0, 0, 4, 0.1f, 5, PositionPolicy.KEEP_ORIGINAL))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ToDreLayerPruner(3, 0, 4, 0, PositionPolicy.KEEP_ORIGINAL))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
