package io.glimpse.llava;

import io.glimpse.io.BadInputException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The projector's weights are checked against the machine's memory before they are read, as the decoder's are. */
class ProjectorMemoryTest {
    @Test
    void aProjectorLargerThanRamIsRefusedWithTheSizeItNeeds() {
        int in = 1 << 20;
        int d = 1 << 19;
        long mb = (4L * ((long) d * in + (long) d * d + 2L * d)) >> 20;
        assertThatThrownBy(() -> LlavaModel.requireProjectorMemory(in, d, "mmproj.gguf"))
                .isInstanceOf(BadInputException.class)
                .hasMessageStartingWith("mmproj.gguf: the projector's weights as f32 need " + mb + " MB of memory")
                .hasMessageNotContaining("\n");
    }

    @Test
    void llava15sProjectorFits() {
        assertThatCode(() -> LlavaModel.requireProjectorMemory(1024, 4096, "mmproj.gguf")).doesNotThrowAnyException();
    }
}
