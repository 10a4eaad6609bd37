package io.glimpse.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the JSON files of a checkpoint folder (config.json, preprocessor_config.json, tokenizer.json, indexes). */
public final class JsonFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonFiles() {
    }

    /** The file's top-level object; malformed JSON or another top-level value is bad input naming the file. */
    public static JsonNode readObject(Path file) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (JsonProcessingException e) {
            throw new BadInputException(file + ": not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (root == null || !root.isObject()) {
            throw new BadInputException(file + ": not a JSON object");
        }
        return root;
    }
}
