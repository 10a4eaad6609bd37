package io.glimpse.io;

import java.util.List;

/**
 * One GGUF metadata value with its wire type. Integers of every width are held as {@code Long} (a u64 as its bits),
 * FLOAT32 as {@code Float}, FLOAT64 as {@code Double}, BOOL as {@code Boolean}, STRING as {@code String}, and ARRAY as
 * an {@link Array} of such values (or of nested arrays).
 */
public record GgufValue(Type type, Object value) {

    /** The value types of GGUF v2/v3 by wire number (ggml docs/gguf.md). */
    public enum Type {
        UINT8, INT8, UINT16, INT16, UINT32, INT32, FLOAT32, BOOL, STRING, ARRAY, UINT64, INT64, FLOAT64;

        /** The type numbered {@code id}, or null. */
        public static Type of(long id) {
            return id >= 0 && id < values().length ? values()[(int) id] : null;
        }

        /** Bytes of a scalar of this type; 0 for STRING and ARRAY, whose width is in the data. */
        public int width() {
            return switch (this) {
                case UINT8, INT8, BOOL -> 1;
                case UINT16, INT16 -> 2;
                case UINT32, INT32, FLOAT32 -> 4;
                case UINT64, INT64, FLOAT64 -> 8;
                case STRING, ARRAY -> 0;
            };
        }
    }

    /** The elements of an ARRAY value, all of {@code elementType}. */
    public record Array(Type elementType, List<Object> items) {
        public Array {
            items = List.copyOf(items);
        }
    }

    public GgufValue {
        Class<?> expected = switch (type) {
            case FLOAT32 -> Float.class;
            case FLOAT64 -> Double.class;
            case BOOL -> Boolean.class;
            case STRING -> String.class;
            case ARRAY -> Array.class;
            default -> Long.class;
        };
        if (!expected.isInstance(value)) {
            throw new IllegalArgumentException("a " + type + " value must be a " + expected.getSimpleName() + ", got " + value);
        }
    }

    public static GgufValue string(String s) {
        return new GgufValue(Type.STRING, s);
    }

    public static GgufValue u32(long v) {
        return new GgufValue(Type.UINT32, v);
    }

    public static GgufValue i32(long v) {
        return new GgufValue(Type.INT32, v);
    }

    public static GgufValue f32(float v) {
        return new GgufValue(Type.FLOAT32, v);
    }

    public static GgufValue bool(boolean v) {
        return new GgufValue(Type.BOOL, v);
    }

    public static GgufValue strings(List<String> items) {
        return new GgufValue(Type.ARRAY, new Array(Type.STRING, List.copyOf(items)));
    }

    public static GgufValue i32s(int[] items) {
        return new GgufValue(Type.ARRAY, new Array(Type.INT32, java.util.Arrays.stream(items).mapToObj(i -> (Object) (long) i).toList()));
    }
}
