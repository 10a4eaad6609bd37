package io.glimpse.llava;

import io.glimpse.io.BadInputException;
import io.glimpse.lm.PositionPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LlavaCheckpointTest {
    @TempDir
    Path tmp;

    @Test
    void theFamilyComesFromConfigAlone() throws Exception {
        assertThat(LlavaCheckpoint.read(LlavaModelTest.LLAVA15).family()).isEqualTo(LlavaCheckpoint.Family.LLAVA_15);
        LlavaCheckpoint ov = LlavaCheckpoint.read(OneVisionImageTest.DIR);
        assertThat(ov.family()).isEqualTo(LlavaCheckpoint.Family.ONEVISION);
        // Only the two JSON files are read: a folder without weights still names its family.
        Path bare = Files.createDirectories(tmp.resolve("bare"));
        Files.copy(OneVisionImageTest.DIR.resolve("config.json"), bare.resolve("config.json"));
        Files.copy(OneVisionImageTest.DIR.resolve("preprocessor_config.json"), bare.resolve("preprocessor_config.json"));
        assertThat(LlavaCheckpoint.read(bare).family()).isEqualTo(LlavaCheckpoint.Family.ONEVISION);
    }

    @Test
    void anotherModelTypeIsBadInputNamingTheFile() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("qwen"));
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"qwen2_vl\", \"vision_config\": {}, \"text_config\": {}}");
        assertThatThrownBy(() -> LlavaCheckpoint.read(dir)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("config.json").hasMessageContaining("'qwen2_vl'").hasMessageContaining("llava_onevision");
    }

    @Test
    void positionSchemesParseFromTheirNames() {
        assertThat(Positions.parse("keep", 1).policy()).isEqualTo(PositionPolicy.KEEP_ORIGINAL);
        assertThat(Positions.parse("recompact", 1).rotatesVisualRows()).isFalse();
        assertThat(Positions.parse("vista", 1)).isInstanceOf(Positions.Vista.class);
        assertThat(Positions.parse("tclava", 0.5)).isEqualTo(new Positions.TcLlava(0.5));
        assertThat(Positions.parse("tclava", 0.5).rotary(3, new int[] {0, 0, 1})).isPresent();
        assertThat(Positions.KEEP.rotary(3, new int[] {0})).isEmpty();
        assertThatThrownBy(() -> Positions.parse("mrope", 1)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("keep, recompact, vista, tclava");
        assertThatThrownBy(() -> Positions.parse("tclava", Double.NaN)).isInstanceOf(BadInputException.class);
    }
}
