package io.glimpse.io;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A GGUF file (versions 2 and 3, little-endian; ggml's docs/gguf.md): the header, the typed metadata key/values, the
 * tensor infos and, after padding to {@code general.alignment} (default 32), the tensor data. The file is mapped whole
 * ({@link MappedFile}) and every tensor is a view into it in its stored type, quantized or not.
 *
 * <p>Reading trusts nothing: every count and length is checked against the bytes left before it is used, so a
 * corrupt or hostile file fails with one line naming the file and the field (wrong magic or version, a string or
 * array longer than the file, an unknown value or tensor type, more than four dims, a row that is not whole blocks,
 * data past the end or overlapping), never with an allocation or a read out of bounds.
 */
public final class GgufFile {
    /** "GGUF" read as a little-endian u32. */
    public static final int MAGIC = 0x46554747;
    public static final int DEFAULT_ALIGNMENT = 32;
    /** ggml's GGML_MAX_DIMS. */
    public static final int MAX_DIMS = 4;
    private static final int MAX_NESTING = 4;

    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path file;
    private final int version;
    private final long alignment;
    private final Map<String, GgufValue> metadata;
    private final Map<String, GgufTensor> tensors;

    private GgufFile(Path file, int version, long alignment, Map<String, GgufValue> metadata, Map<String, GgufTensor> tensors) {
        this.file = file;
        this.version = version;
        this.alignment = alignment;
        this.metadata = Collections.unmodifiableMap(metadata);
        this.tensors = Collections.unmodifiableMap(tensors);
    }

    public static GgufFile read(Path file) throws IOException {
        return new Reader(file, MappedFile.map(file)).read();
    }

    public Path file() {
        return file;
    }

    public int version() {
        return version;
    }

    public long alignment() {
        return alignment;
    }

    public Map<String, GgufValue> metadata() {
        return metadata;
    }

    public Map<String, GgufTensor> tensors() {
        return tensors;
    }

    public boolean has(String tensor) {
        return tensors.containsKey(tensor);
    }

    public Optional<GgufValue> value(String key) {
        return Optional.ofNullable(metadata.get(key));
    }

    /** The named tensor; a missing one is bad input naming the file. */
    public GgufTensor tensor(String name) {
        GgufTensor t = tensors.get(name);
        if (t == null) {
            throw new BadInputException(file + ": missing tensor '" + name + "'");
        }
        return t;
    }

    public String string(String key) {
        return (String) require(key, GgufValue.Type.STRING).value();
    }

    public String string(String key, String absent) {
        return metadata.containsKey(key) ? string(key) : absent;
    }

    /** An integer of any width. */
    public long integer(String key) {
        GgufValue v = required(key);
        if (!(v.value() instanceof Long l)) {
            throw new BadInputException(file + ": key '" + key + "' is " + v.type() + ", expected an integer");
        }
        return l;
    }

    public long integer(String key, long absent) {
        return metadata.containsKey(key) ? integer(key) : absent;
    }

    /** A float or an integer. */
    public double number(String key) {
        GgufValue v = required(key);
        return switch (v.value()) {
            case Float f -> f;
            case Double d -> d;
            case Long l -> l;
            default -> throw new BadInputException(file + ": key '" + key + "' is " + v.type() + ", expected a number");
        };
    }

    public double number(String key, double absent) {
        return metadata.containsKey(key) ? number(key) : absent;
    }

    public boolean bool(String key, boolean absent) {
        return metadata.containsKey(key) ? (Boolean) require(key, GgufValue.Type.BOOL).value() : absent;
    }

    public List<String> strings(String key) {
        return array(key, GgufValue.Type.STRING).items().stream().map(String.class::cast).toList();
    }

    /** An integer array whose values fit in an int. */
    public int[] ints(String key) {
        GgufValue.Array a = (GgufValue.Array) require(key, GgufValue.Type.ARRAY).value();
        int[] out = new int[a.items().size()];
        for (int i = 0; i < out.length; i++) {
            if (!(a.items().get(i) instanceof Long l) || l != (int) (long) l) {
                throw new BadInputException(file + ": key '" + key + "' element " + i + " is not an int (" + a.elementType() + ")");
            }
            out[i] = (int) (long) l;
        }
        return out;
    }

    /** A numeric array (floats or integers) as doubles. */
    public double[] numbers(String key) {
        GgufValue.Array a = (GgufValue.Array) require(key, GgufValue.Type.ARRAY).value();
        double[] out = new double[a.items().size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (a.items().get(i)) {
                case Float f -> f;
                case Double d -> d;
                case Long l -> l;
                default -> throw new BadInputException(file + ": key '" + key + "' element " + i + " is not a number ("
                        + a.elementType() + ")");
            };
        }
        return out;
    }

    private GgufValue.Array array(String key, GgufValue.Type element) {
        GgufValue.Array a = (GgufValue.Array) require(key, GgufValue.Type.ARRAY).value();
        if (a.elementType() != element) {
            throw new BadInputException(file + ": key '" + key + "' is an array of " + a.elementType() + ", expected " + element);
        }
        return a;
    }

    private GgufValue required(String key) {
        GgufValue v = metadata.get(key);
        if (v == null) {
            throw new BadInputException(file + ": missing metadata key '" + key + "'");
        }
        return v;
    }

    private GgufValue require(String key, GgufValue.Type type) {
        GgufValue v = required(key);
        if (v.type() != type) {
            throw new BadInputException(file + ": key '" + key + "' is " + v.type() + ", expected " + type);
        }
        return v;
    }

    /** A cursor over the mapped bytes that checks every read against the end of the file. */
    private static final class Reader {
        private final Path file;
        private final MemorySegment bytes;
        private long at;

        Reader(Path file, MemorySegment bytes) {
            this.file = file;
            this.bytes = bytes;
        }

        GgufFile read() {
            if (bytes.byteSize() < 4 || bytes.get(U32, 0) != MAGIC) {
                throw bad("magic", "is not GGUF (not a GGUF file)");
            }
            at = 4;
            long version = u32("version");
            if (version != 2 && version != 3) {
                throw bad("version", version + " is not supported (2 or 3, little-endian)");
            }
            long tensorCount = count("tensor_count", 8 + 4 + 8 + 4 + 8);
            long kvCount = count("metadata_kv_count", 8 + 4 + 1);
            Map<String, GgufValue> metadata = new LinkedHashMap<>();
            for (long i = 0; i < kvCount; i++) {
                String key = string("metadata key " + i);
                long type = u32("key '" + key + "' type");
                GgufValue v = value("key '" + key + "'", type, 0);
                if (metadata.put(key, v) != null) {
                    throw bad("key '" + key + "'", "appears twice");
                }
            }
            long alignment = DEFAULT_ALIGNMENT;
            GgufValue align = metadata.get("general.alignment");
            if (align != null) {
                if (align.type() != GgufValue.Type.UINT32 || (long) align.value() <= 0 || Long.bitCount((long) align.value()) != 1) {
                    throw bad("general.alignment", align.value() + " (" + align.type() + ") is not a power-of-two u32");
                }
                alignment = (long) align.value();
            }
            List<Info> infos = new ArrayList<>();
            for (long i = 0; i < tensorCount; i++) {
                infos.add(info(i));
            }
            long dataStart = (at + alignment - 1) / alignment * alignment;
            long dataLength = bytes.byteSize() - Math.min(dataStart, bytes.byteSize());
            Map<String, GgufTensor> tensors = new LinkedHashMap<>();
            for (Info t : infos) {
                String field = "tensor '" + t.name + "'";
                if (t.offset % alignment != 0) {
                    throw bad(field, "offset " + t.offset + " is not a multiple of the alignment " + alignment);
                }
                if (t.offset > dataLength || t.size > dataLength - t.offset) {
                    throw bad(field, "data [" + t.offset + ", +" + t.size + ") runs past the " + dataLength
                            + " data bytes (truncated file?)");
                }
                if (tensors.put(t.name, new GgufTensor(t.name, t.type, t.dims, bytes.asSlice(dataStart + t.offset, t.size))) != null) {
                    throw bad(field, "appears twice");
                }
            }
            List<Info> byOffset = new ArrayList<>(infos);
            byOffset.sort(Comparator.comparingLong(Info::offset));
            for (int i = 1; i < byOffset.size(); i++) {
                Info prev = byOffset.get(i - 1);
                if (byOffset.get(i).offset < prev.offset + prev.size) {
                    throw bad("tensor '" + byOffset.get(i).name + "'", "data overlaps tensor '" + prev.name + "'");
                }
            }
            return new GgufFile(file, (int) version, alignment, metadata, tensors);
        }

        private record Info(String name, GgmlType type, long[] dims, long offset, long size) {
        }

        private Info info(long index) {
            String name = string("tensor " + index + " name");
            String field = "tensor '" + name + "'";
            long nDims = u32(field + " n_dims");
            if (nDims < 1 || nDims > MAX_DIMS) {
                throw bad(field, "has " + nDims + " dims (1 to " + MAX_DIMS + ")");
            }
            long[] dims = new long[(int) nDims];
            long elements = 1;
            for (int d = 0; d < nDims; d++) {
                dims[d] = u64(field + " dim " + d);
                if (dims[d] < 0 || (dims[d] > 0 && elements > Long.MAX_VALUE / dims[d])) {
                    throw bad(field, "dim " + d + " = " + Long.toUnsignedString(dims[d]) + " is absurd");
                }
                elements *= dims[d];
            }
            long typeId = u32(field + " type");
            GgmlType type = GgmlType.of(typeId);
            if (type == null) {
                throw bad(field, "type " + typeId + " is not a ggml type (unknown quantization)");
            }
            if (dims[0] % type.blockSize() != 0) {
                throw bad(field, "rows of " + dims[0] + " are not whole " + type + " blocks of " + type.blockSize());
            }
            long size;
            try {
                size = type.bytes(elements);
            } catch (ArithmeticException e) {
                throw bad(field, "is too large to address");
            }
            long offset = u64(field + " offset");
            if (offset < 0) {
                throw bad(field, "offset " + Long.toUnsignedString(offset) + " is absurd");
            }
            return new Info(name, type, dims, offset, size);
        }

        private GgufValue value(String field, long typeId, int depth) {
            GgufValue.Type type = GgufValue.Type.of(typeId);
            if (type == null) {
                throw bad(field, "has unknown value type " + typeId);
            }
            return new GgufValue(type, payload(field, type, depth));
        }

        private Object payload(String field, GgufValue.Type type, int depth) {
            return switch (type) {
                case UINT8 -> (long) (take(field, 1).get(ValueLayout.JAVA_BYTE, 0) & 0xff);
                case INT8 -> (long) take(field, 1).get(ValueLayout.JAVA_BYTE, 0);
                case UINT16 -> (long) (take(field, 2).get(U16, 0) & 0xffff);
                case INT16 -> (long) take(field, 2).get(U16, 0);
                case UINT32 -> u32(field);
                case INT32 -> (long) take(field, 4).get(U32, 0);
                case UINT64, INT64 -> take(field, 8).get(U64, 0);
                case FLOAT32 -> take(field, 4).get(F32, 0);
                case FLOAT64 -> take(field, 8).get(F64, 0);
                case BOOL -> {
                    byte b = take(field, 1).get(ValueLayout.JAVA_BYTE, 0);
                    if (b != 0 && b != 1) {
                        throw bad(field, "bool byte is " + b);
                    }
                    yield b == 1;
                }
                case STRING -> string(field);
                case ARRAY -> {
                    if (depth >= MAX_NESTING) {
                        throw bad(field, "nests arrays deeper than " + MAX_NESTING);
                    }
                    long elemId = u32(field + " element type");
                    GgufValue.Type elem = GgufValue.Type.of(elemId);
                    if (elem == null) {
                        throw bad(field, "has unknown array element type " + elemId);
                    }
                    long n = count(field + " length", elem == GgufValue.Type.STRING ? 8 : elem == GgufValue.Type.ARRAY ? 12 : elem.width());
                    List<Object> items = new ArrayList<>((int) Math.min(n, 1 << 16));
                    for (long i = 0; i < n; i++) {
                        items.add(payload(field, elem, depth + 1));
                    }
                    yield new GgufValue.Array(elem, items);
                }
            };
        }

        /** A u64 count of items at least {@code minBytes} wide each, refused when the rest of the file cannot hold it. */
        private long count(String field, int minBytes) {
            long n = u64(field);
            long left = bytes.byteSize() - at;
            if (n < 0 || n > left / minBytes) {
                throw bad(field, Long.toUnsignedString(n) + " is absurd for the " + left + " bytes left in the file (truncated or corrupt)");
            }
            return n;
        }

        private String string(String field) {
            long len = u64(field + " length");
            if (len < 0 || len > bytes.byteSize() - at) {
                throw bad(field, "string length " + Long.toUnsignedString(len) + " runs past the end of the file");
            }
            if (len > Integer.MAX_VALUE - 8) {
                throw bad(field, "string length " + len + " is absurd");
            }
            byte[] raw = take(field, len).toArray(ValueLayout.JAVA_BYTE);
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(raw)).toString();
            } catch (CharacterCodingException e) {
                throw bad(field, "is not valid UTF-8");
            }
        }

        private long u32(String field) {
            return take(field, 4).get(U32, 0) & 0xffffffffL;
        }

        private long u64(String field) {
            return take(field, 8).get(U64, 0);
        }

        private MemorySegment take(String field, long n) {
            if (n > bytes.byteSize() - at) {
                throw bad(field, "is cut off at byte " + bytes.byteSize() + " (truncated file)");
            }
            MemorySegment s = bytes.asSlice(at, n);
            at += n;
            return s;
        }

        private BadInputException bad(String field, String problem) {
            String p = (field + " " + problem).replaceAll("[\\r\\n]", " ");
            return new BadInputException(file + ": " + p);
        }
    }
}
