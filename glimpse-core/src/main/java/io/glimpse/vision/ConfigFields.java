package io.glimpse.vision;

import com.fasterxml.jackson.databind.JsonNode;
import io.glimpse.io.BadInputException;

import java.nio.file.Path;

/** Integer fields of an HF config object, with the class default when absent and a named error when malformed. */
public record ConfigFields(JsonNode node, Path file) {
    public int positive(String name, int dflt) {
        JsonNode v = node.get(name);
        if (v == null) {
            return dflt;
        }
        if (!v.isInt() || v.asInt() <= 0) {
            throw new BadInputException(file + ": " + name + " must be a positive integer, got " + v);
        }
        return v.asInt();
    }
}
