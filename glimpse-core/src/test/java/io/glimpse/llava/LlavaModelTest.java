package io.glimpse.llava;

import io.glimpse.image.Png;
import io.glimpse.image.RgbImage;
import io.glimpse.io.BadInputException;
import io.glimpse.io.SafeTensors;
import io.glimpse.lm.Generation;
import io.glimpse.lm.KvCache;
import io.glimpse.lm.PositionPolicy;
import io.glimpse.lm.Sampler;
import io.glimpse.tokens.TokenSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The tiny LLaVA-1.5-style checkpoint against goldens from fixtures/llava/make_fixtures.py (PyTorch). */
class LlavaModelTest {
    static final Path FIXTURES = Path.of("src/test/resources/fixtures").toAbsolutePath();
    static final Path LLAVA15 = FIXTURES.resolve("llava/llava15");

    static LlavaModel model;
    static SafeTensors golden;

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() throws IOException {
        model = LlavaModel.load(LLAVA15);
        golden = SafeTensors.read(LLAVA15.resolve("golden.safetensors"));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static RgbImage png(Path file) throws IOException {
        return Png.read(file);
    }

    static RgbImage landscape() throws IOException {
        return png(FIXTURES.resolve("vision/landscape.png"));
    }

    private static void assertClose(float[] actual, float[] expected, String what) {
        assertThat(actual).as(what + " length").hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            double tol = 1e-4 * Math.max(1, Math.abs(expected[i]));
            assertThat((double) actual[i]).as("%s[%d]", what, i).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(tol));
        }
    }

    private LlavaModel.Prompt prompt(TokenSet tokens, PositionPolicy policy) throws IOException {
        int[] ids = model.promptIds("What is this?", 1, 0);
        return model.assemble(ids, List.of(model.imageBlock(tokens, model.crops(landscape(), 1), false, policy)));
    }

    @Test
    void promptIdsAreTheReferenceTokenization() {
        assertThat(model.promptIds("What is this?", 1, 0)).containsExactly(golden.tensors().get("prompt.ids").toInts());
    }

    @Test
    void imageFeaturesAreCLIPLayerMinusTwoWithoutClsThroughTheProjector() throws IOException {
        TokenSet tokens = model.encode(List.of(landscape()), false).tokens();
        assertThat(tokens.size()).isEqualTo(16);
        assertClose(model.project(tokens), golden.tensors().get("image.features").toFloats(), "features");
    }

    @Test
    void prefillLogitsAndGreedyContinuationMatchTheReference() throws IOException {
        TokenSet tokens = model.encode(List.of(landscape()), false).tokens();
        LlavaModel.Prompt p = prompt(tokens, PositionPolicy.KEEP_ORIGINAL);
        int[] ids = golden.tensors().get("prompt.ids").toInts();
        assertThat(p.ids()).hasSize(ids.length - 1 + 16);
        assertThat(p.positions()).containsExactly(java.util.stream.IntStream.range(0, p.ids().length).toArray());
        KvCache cache = model.decoder().newCache(p.ids().length + 8);
        float[] logits = model.decoder().forward(cache, p.inputs(), p.positions(), p.ids().length);
        assertClose(logits, golden.tensors().get("prompt.logits").toFloats(), "logits");

        KvCache fresh = model.decoder().newCache(p.ids().length + 8);
        float[] last = model.decoder().forward(fresh, p.inputs(), p.positions(), 1);
        Generation g = Generation.run(model.decoder(), fresh, last, 8, Sampler.greedy(), model.tokenizer().size(),
                model.template().stopIds(model.tokenizer()), t -> { });
        assertThat(g.tokens()).containsExactly(golden.tensors().get("prompt.greedy").toInts());
    }

    @Test
    void badFolderIsBadInput() throws IOException {
        assertThatThrownBy(() -> LlavaModel.load(tmp)).isInstanceOf(BadInputException.class).hasMessageContaining("config.json");
        Files.writeString(tmp.resolve("config.json"), "{\"model_type\": \"clip\"}");
        assertThatThrownBy(() -> LlavaModel.load(tmp)).isInstanceOf(BadInputException.class).hasMessageContaining("not a LLaVA config");
    }
}
