package io.glimpse.job;

import io.glimpse.lm.bytes.ByteModel;
import io.glimpse.lm.bytes.TokenBytes;
import io.glimpse.testkit.Fixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * A GGUF language model read byte by byte: fixtures/gguf/qwen2-f32.gguf holds the weights of the lm/qwen2 checkpoint
 * in F32 and its byte-level BPE tokenizer in metadata, so its byte distributions are the checkpoint's.
 */
class CompleteJobGgufTest {
    private static final Path GGUF = Fixtures.path("gguf/qwen2-f32.gguf");
    private static final Path DIR = Fixtures.path("lm/qwen2");

    @ParameterizedTest
    @ValueSource(strings = {"What is th", "the ca", "a cat, a hat. wh", "jumps\n", "caf\u00e9 "})
    void theByteDistributionsOfTheGgufFileAreTheCheckpoints(String prompt) throws Exception {
        byte[] text = prompt.getBytes(StandardCharsets.UTF_8);
        try (CompleteJob.Model gguf = CompleteJob.Model.load(GGUF); CompleteJob.Model st = CompleteJob.Model.load(DIR)) {
            assertThat(gguf.vocab().spelling()).isEqualTo(TokenBytes.Spelling.BYTE_LEVEL);
            assertThat(gguf.vocab().start()).containsExactly(st.vocab().start());
            ByteModel a = ByteModel.open(gguf.decoder(), gguf.vocab(), text, 3);
            ByteModel b = ByteModel.open(st.decoder(), st.vocab(), text, 3);
            for (int step = 0; step < 3; step++) {
                double[] p = a.next();
                assertThat(p).containsExactly(b.next(), within(1e-5));
                int argmax = 0;
                for (int s = 1; s < p.length; s++) {
                    argmax = p[s] > p[argmax] ? s : argmax;
                }
                if (argmax == ByteModel.END) {
                    break;
                }
                a.append(argmax);
                b.append(argmax);
            }
            assertThat(a.logProbability()).isCloseTo(b.logProbability(), within(1e-5));
        }
    }
}
