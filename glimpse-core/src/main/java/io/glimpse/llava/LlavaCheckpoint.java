package io.glimpse.llava;

import com.fasterxml.jackson.databind.JsonNode;
import io.glimpse.io.BadInputException;
import io.glimpse.io.JsonFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * The two JSON files of a LLaVA checkpoint folder, read once: config.json (model type, the vision and text
 * configs, token ids, anyres layout) and preprocessor_config.json. Cheap to read, so a caller can learn the
 * checkpoint's {@link Family} before loading any weights (the cost model a budget counts in is the loaded
 * model's own, {@code LlavaModel.costModel()}).
 *
 * @param dir           the checkpoint folder
 * @param config        config.json's object
 * @param preprocessor  preprocessor_config.json's object
 */
public record LlavaCheckpoint(Path dir, Family family, JsonNode config, JsonNode preprocessor) {
    /** The model families read, by config.json's model_type. */
    public enum Family {
        /** llava-hf/llava-1.5-*: one square image crop per placeholder. */
        LLAVA_15("llava"),
        /** llava-hf/llava-onevision-*: anyres images, pooled video frames. */
        ONEVISION("llava_onevision");

        private final String modelType;

        Family(String modelType) {
            this.modelType = modelType;
        }

        /** config.json's model_type. */
        public String modelType() {
            return modelType;
        }

        static Family of(String modelType, Path configFile) {
            return Arrays.stream(values()).filter(f -> f.modelType.equals(modelType)).findFirst()
                    .orElseThrow(() -> new BadInputException(configFile + ": model_type '" + modelType + "' is not "
                            + String.join(" or ", Arrays.stream(values()).map(Family::modelType).toList())));
        }
    }

    /** Reads and checks config.json and preprocessor_config.json of {@code dir}. */
    public static LlavaCheckpoint read(Path dir) throws IOException {
        Path configFile = dir.resolve("config.json");
        if (!Files.isRegularFile(configFile)) {
            throw new BadInputException(dir + ": no config.json");
        }
        JsonNode root = JsonFiles.readObject(configFile);
        if (!root.has("vision_config") || !root.has("text_config")) {
            throw new BadInputException(configFile + ": not a LLaVA config (needs vision_config and text_config)");
        }
        Family family = Family.of(root.path("model_type").asText("").toLowerCase(Locale.ROOT), configFile);
        return new LlavaCheckpoint(dir, family, root, JsonFiles.readObject(dir.resolve("preprocessor_config.json")));
    }

    public Path configFile() {
        return dir.resolve("config.json");
    }

    public Path preprocessorFile() {
        return dir.resolve("preprocessor_config.json");
    }
}
