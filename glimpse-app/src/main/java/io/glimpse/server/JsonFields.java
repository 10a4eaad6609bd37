package io.glimpse.server;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Iterator;
import java.util.List;

/**
 * Typed reads of optional request fields: absent or null is null, a value of the wrong type or range is a 400
 * naming the field by its dotted path.
 */
final class JsonFields {
    private JsonFields() {
    }

    /**
     * Refuses a field of {@code object} (at {@code path}) that is not one of {@code known}. Only for objects Glimpse
     * defines: a misspelt option there would otherwise be dropped silently and the request answered without it,
     * whereas OpenAI's own top-level fields stay open to the extensions other clients send.
     */
    static void onlyKnown(JsonNode object, String path, List<String> known) {
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!known.contains(name)) {
                throw ApiException.invalid(path + "." + name, path + "." + name + " is not an option here; the options of "
                        + path + " are " + String.join(", ", known));
            }
        }
    }

    static String text(JsonNode parent, String name, String path) {
        JsonNode v = parent.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw ApiException.invalid(path, path + " must be a string");
        }
        return v.asText();
    }

    static Integer integer(JsonNode parent, String name, String path, int min, int max) {
        JsonNode v = parent.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
            throw ApiException.invalid(path, path + " must be an integer in [" + min + ", " + max + "]");
        }
        return (int) v.asLong();
    }

    static Long longValue(JsonNode parent, String name, String path) {
        JsonNode v = parent.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw ApiException.invalid(path, path + " must be an integer");
        }
        return v.asLong();
    }

    /** A finite number in [min, max]. */
    static Double number(JsonNode parent, String name, String path, double min, double max) {
        JsonNode v = parent.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber() || !(v.asDouble() >= min && v.asDouble() <= max)) {
            throw ApiException.invalid(path, path + " must be a number in [" + min + ", " + max + "]");
        }
        return v.asDouble();
    }

    static Boolean bool(JsonNode parent, String name, String path) {
        JsonNode v = parent.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isBoolean()) {
            throw ApiException.invalid(path, path + " must be true or false");
        }
        return v.asBoolean();
    }

    /** The object at {@code name}, or null when absent. */
    static JsonNode object(JsonNode parent, String name, String path) {
        JsonNode v = parent.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isObject()) {
            throw ApiException.invalid(path, path + " must be an object");
        }
        return v;
    }
}
