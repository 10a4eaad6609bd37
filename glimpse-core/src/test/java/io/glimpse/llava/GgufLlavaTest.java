package io.glimpse.llava;

import io.glimpse.io.BadInputException;
import io.glimpse.io.GgmlType;
import io.glimpse.io.GgufFile;
import io.glimpse.io.GgufTensor;
import io.glimpse.io.GgufWriter;
import io.glimpse.io.SafeTensors;
import io.glimpse.lm.ChatTemplate;
import io.glimpse.lm.PositionPolicy;
import io.glimpse.lm.Sampler;
import io.glimpse.tokens.TokenSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * LLaVA-1.5 from the two GGUF files gguf-py wrote from the tiny LLaVA-1.5 fixture (fixtures/gguf/make_gguf_fixtures.py):
 * the same visual tokens, prompt and greedy answer as the safetensors checkpoint, the answer being the one transformers
 * generated for it.
 */
class GgufLlavaTest {
    static final Path GGUF = Path.of("src/test/resources/fixtures/gguf");
    static final Path LM = GGUF.resolve("llava15-lm-f32.gguf");
    static final Path MMPROJ = GGUF.resolve("llava15-mmproj-f32.gguf");

    @TempDir
    Path dir;

    private static Ask.Answer ask(LlavaModel m) throws IOException {
        return Ask.run(m, Ask.Request.images(List.of(LlavaModelTest.landscape()), "What is this?")
                .positions(PositionPolicy.KEEP_ORIGINAL).maxTokens(8).sampler(Sampler.greedy()).build(), s -> { });
    }

    @Test
    void givesTheSafetensorsTokensPromptAndGreedyAnswer() throws IOException {
        int[] golden = SafeTensors.read(LlavaModelTest.LLAVA15.resolve("golden.safetensors")).tensors().get("prompt.greedy").toInts();
        try (LlavaModel gguf = GgufLlava.load(LM, MMPROJ, null); LlavaModel st = LlavaModel.load(LlavaModelTest.LLAVA15)) {
            assertThat(gguf.family()).isEqualTo(LlavaCheckpoint.Family.LLAVA_15);
            assertThat(gguf.template()).isEqualTo(ChatTemplate.LLAVA_1_5);
            assertThat(gguf.imageToken()).isEqualTo(st.imageToken());
            assertThat(gguf.promptIds("What is this?", 1, 0)).containsExactly(st.promptIds("What is this?", 1, 0));
            TokenSet a = gguf.encode(List.of(LlavaModelTest.landscape()), false).tokens();
            TokenSet b = st.encode(List.of(LlavaModelTest.landscape()), false).tokens();
            assertThat(a.size()).isEqualTo(b.size());
            float[] pa = gguf.project(a);
            float[] pb = st.project(b);
            for (int i = 0; i < pb.length; i++) {
                assertThat(Math.abs(pa[i] - pb[i])).as("projected value " + i).isLessThanOrEqualTo(1e-5f);
            }
            assertThat(ask(gguf).tokens()).containsExactly(golden).containsExactly(ask(st).tokens());
        }
    }

    @Test
    void aProjectorThatDoesNotMatchTheDecoderIsBadInputNamingFileAndTensor() throws IOException {
        GgufFile mm = GgufFile.read(MMPROJ);
        List<GgufTensor> tensors = new ArrayList<>();
        for (GgufTensor t : mm.tensors().values()) {
            if (t.name().equals("mm.2.weight")) {
                long[] dims = t.dims();
                dims[1] = 32;
                tensors.add(new GgufTensor(t.name(), GgmlType.F32, dims, MemorySegment.ofArray(new float[(int) (dims[0] * 32)])));
            } else {
                tensors.add(t);
            }
        }
        Path bad = dir.resolve("mmproj.gguf");
        GgufWriter.write(bad, mm.metadata(), tensors);
        assertThatThrownBy(() -> GgufLlava.load(LM, bad, null)).isInstanceOf(BadInputException.class)
                .hasMessageStartingWith(bad.toString()).hasMessageContaining("mm.2.weight").hasMessageContaining("projects to 32")
                .hasMessageNotContaining("\n");
    }

    @Test
    void theFilesSwappedAreBadInput() {
        assertThatThrownBy(() -> GgufLlava.load(MMPROJ, LM, null)).isInstanceOf(BadInputException.class)
                .hasMessageStartingWith(LM.toString()).hasMessageContaining("general.architecture 'qwen2' is not clip");
    }
}
