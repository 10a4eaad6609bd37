package io.glimpse.lm;

import io.glimpse.io.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DecoderConfigTest {
    private static DecoderConfig read(Path dir, String json) throws IOException {
        Path f = dir.resolve("config.json");
        Files.writeString(f, json);
        return DecoderConfig.read(f);
    }

    @Test
    void llava15TextConfigFillsTheLlamaDefaults(@TempDir Path dir) throws IOException {
        DecoderConfig c = read(dir, """
                {"model_type": "llava", "image_token_index": 32000,
                 "text_config": {"_name_or_path": "lmsys/vicuna-7b-v1.5", "architectures": ["LlamaForCausalLM"],
                   "max_position_embeddings": 4096, "model_type": "llama", "rms_norm_eps": 1e-05,
                   "torch_dtype": "float16", "vocab_size": 32064}}""");
        assertThat(c.vocabSize()).isEqualTo(32064);
        assertThat(c.hiddenSize()).isEqualTo(4096);
        assertThat(c.intermediateSize()).isEqualTo(11008);
        assertThat(c.layers()).isEqualTo(32);
        assertThat(c.kvHeads()).isEqualTo(32);
        assertThat(c.headDim()).isEqualTo(128);
        assertThat(c.rmsNormEps()).isEqualTo(1e-5f);
        assertThat(c.ropeTheta()).isEqualTo(10000);
        assertThat(c.qkvBias() || c.oBias() || c.mlpBias() || c.tieWordEmbeddings()).isFalse();
    }

    @Test
    void onevisionTextConfigIsQwen2WithBiases(@TempDir Path dir) throws IOException {
        DecoderConfig c = read(dir, """
                {"model_type": "llava_onevision", "text_config": {"model_type": "qwen2", "hidden_size": 896,
                 "intermediate_size": 4864, "num_hidden_layers": 24, "num_attention_heads": 14,
                 "num_key_value_heads": 2, "rope_theta": 1000000.0, "rms_norm_eps": 1e-06, "vocab_size": 152000,
                 "tie_word_embeddings": true, "use_sliding_window": false}}""");
        assertThat(c.headDim()).isEqualTo(64);
        assertThat(c.groupSize()).isEqualTo(7);
        assertThat(c.qkvBias()).isTrue();
        assertThat(c.oBias()).isFalse();
        assertThat(c.tieWordEmbeddings()).isTrue();
    }

    @Test
    void ropeThetaInsideRopeParametersIsRead(@TempDir Path dir) throws IOException {
        DecoderConfig c = read(dir, """
                {"model_type": "qwen2", "hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2,
                 "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 100,
                 "rope_parameters": {"rope_type": "default", "rope_theta": 1000000.0}}""");
        assertThat(c.ropeTheta()).isEqualTo(1e6);
        assertThat(c.ropeScaling()).isNull();
    }

    @Test
    void unsupportedSettingsNameTheFileAndField(@TempDir Path dir) {
        assertThatThrownBy(() -> read(dir, "{\"model_type\": \"mistral\"}")).isInstanceOf(BadInputException.class)
                .hasMessageContaining("config.json").hasMessageContaining("mistral");
        assertThatThrownBy(() -> read(dir, "{\"model_type\": \"llama\", \"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 4}}"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("yarn");
        assertThatThrownBy(() -> read(dir, "{\"model_type\": \"llama\", \"num_attention_heads\": 6, \"num_key_value_heads\": 4}"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("multiple");
        assertThatThrownBy(() -> read(dir, "{\"model_type\": \"llama\", \"hidden_size\": \"big\"}"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("hidden_size");
        assertThatThrownBy(() -> read(dir, "{\"model_type\": \"llama\", \"num_attention_heads\": 0}"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("num_attention_heads");
        assertThatThrownBy(() -> read(dir, "not json")).isInstanceOf(BadInputException.class).hasMessageContaining("config.json");
    }
}
