package io.glimpse.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Hugging Face safetensors format: 8-byte little-endian header length, a JSON header mapping names to
 * {dtype, shape, data_offsets} plus an optional {@code __metadata__} string map, then the tensor bytes.
 *
 * <p>Reading validates what the reference implementation validates: the header fits in the file and under
 * 100 MB, every dtype is known, each tensor's byte range matches its shape, and the ranges tile the data
 * area exactly (no gaps, overlaps or bytes past the end). The file is mapped whole ({@link MappedFile}) and each
 * tensor is a slice of that mapping, in its stored dtype: nothing is copied to the heap, at any size.
 */
public final class SafeTensors {
    /** Largest header accepted, as in the reference implementation. */
    public static final long MAX_HEADER = 100L * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ValueLayout.OfLong LE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Map<String, TensorData> tensors;
    private final Map<String, String> metadata;

    private SafeTensors(Map<String, TensorData> tensors, Map<String, String> metadata) {
        this.tensors = Collections.unmodifiableMap(tensors);
        this.metadata = Collections.unmodifiableMap(metadata);
    }

    public Map<String, TensorData> tensors() {
        return tensors;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    public boolean has(String name) {
        return tensors.containsKey(name);
    }

    /** The named tensor; a missing one is a {@link BadInputException} naming it. */
    public TensorData tensor(String name, Path source) {
        TensorData t = tensors.get(name);
        if (t == null) {
            throw new BadInputException(source + ": missing tensor '" + name + "' (has " + tensors.keySet() + ")");
        }
        return t;
    }

    public static SafeTensors read(Path file) throws IOException {
        MemorySegment whole = MappedFile.map(file);
        long fileSize = whole.byteSize();
        if (fileSize < 8) {
            throw new BadInputException(file + ": not a safetensors file (" + fileSize + " bytes, header length needs 8)");
        }
        long headerLen = whole.get(LE_LONG, 0);
        if (headerLen < 2 || headerLen > MAX_HEADER) {
            throw new BadInputException(file + ": header length " + headerLen + " is outside [2, " + MAX_HEADER + "]");
        }
        if (headerLen > fileSize - 8) {
            throw new BadInputException(file + ": header length " + headerLen + " runs past the end of the "
                    + fileSize + "-byte file");
        }
        byte[] header = whole.asSlice(8, headerLen).toArray(ValueLayout.JAVA_BYTE);
        Parsed parsed = parseHeader(file, header, fileSize - 8 - headerLen);
        long dataStart = 8 + headerLen;
        Map<String, TensorData> out = new LinkedHashMap<>();
        for (Entry e : parsed.entries) {
            out.put(e.name, new TensorData(e.name, e.dtype, e.shape, whole.asSlice(dataStart + e.begin, e.end - e.begin)));
        }
        return new SafeTensors(out, parsed.metadata);
    }

    private record Entry(String name, DType dtype, long[] shape, long begin, long end) {
    }

    private record Parsed(List<Entry> entries, Map<String, String> metadata) {
    }

    private static Parsed parseHeader(Path file, byte[] header, long dataLen) {
        JsonNode root;
        try {
            root = JSON.readTree(new String(header, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new BadInputException(file + ": header is not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (root == null || !root.isObject()) {
            throw new BadInputException(file + ": header is not a JSON object");
        }
        List<Entry> entries = new ArrayList<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = root.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> f = it.next();
            String name = f.getKey();
            JsonNode v = f.getValue();
            if (name.equals("__metadata__")) {
                if (!v.isObject()) {
                    throw new BadInputException(file + ": __metadata__ is not a map of strings");
                }
                v.fields().forEachRemaining(m -> {
                    if (!m.getValue().isTextual()) {
                        throw new BadInputException(file + ": __metadata__ value for '" + m.getKey() + "' is not a string");
                    }
                    metadata.put(m.getKey(), m.getValue().asText());
                });
                continue;
            }
            entries.add(parseEntry(file, name, v));
        }
        entries.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expected = 0;
        for (Entry e : entries) {
            if (e.begin != expected) {
                throw new BadInputException(file + ": tensor '" + e.name + "' starts at byte " + e.begin + ", expected "
                        + expected + (e.begin < expected ? " (overlaps the previous tensor)" : " (gap in the data)"));
            }
            expected = e.end;
        }
        if (expected != dataLen) {
            throw new BadInputException(file + ": tensors cover " + expected + " data bytes but the file has " + dataLen
                    + (expected > dataLen ? " (truncated file?)" : " (trailing bytes)"));
        }
        return new Parsed(entries, metadata);
    }

    private static Entry parseEntry(Path file, String name, JsonNode v) {
        String where = file + ": tensor '" + name + "'";
        if (!v.isObject()) {
            throw new BadInputException(where + " is not an object");
        }
        JsonNode dt = v.get("dtype");
        if (dt == null || !dt.isTextual()) {
            throw new BadInputException(where + " has no dtype");
        }
        DType dtype = DType.parse(dt.asText());
        if (dtype == null) {
            throw new BadInputException(where + " has unknown dtype '" + dt.asText() + "' (known: "
                    + Arrays.toString(DType.values()) + ")");
        }
        JsonNode sh = v.get("shape");
        if (sh == null || !sh.isArray()) {
            throw new BadInputException(where + " has no shape");
        }
        long[] shape = new long[sh.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode s = sh.get(i);
            if (!s.canConvertToLong() || !s.isIntegralNumber() || s.asLong() < 0) {
                throw new BadInputException(where + " has an invalid shape " + sh);
            }
            shape[i] = s.asLong();
        }
        JsonNode off = v.get("data_offsets");
        if (off == null || !off.isArray() || off.size() != 2 || !off.get(0).isIntegralNumber()
                || !off.get(1).isIntegralNumber() || !off.get(0).canConvertToLong() || !off.get(1).canConvertToLong()) {
            throw new BadInputException(where + " has invalid data_offsets " + off);
        }
        long begin = off.get(0).asLong();
        long end = off.get(1).asLong();
        if (begin < 0 || end < begin) {
            throw new BadInputException(where + " has data_offsets [" + begin + ", " + end + "] out of order");
        }
        long bytes;
        try {
            bytes = Math.multiplyExact(TensorData.elementCount(shape), dtype.bytes());
        } catch (ArithmeticException e) {
            throw new BadInputException(where + " has a shape too large to address " + sh);
        }
        if (end - begin != bytes) {
            throw new BadInputException(where + " spans " + (end - begin) + " bytes but shape " + sh + " of " + dtype
                    + " needs " + bytes);
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    /** Writes tensors and metadata to a temporary file beside {@code file}, then renames it into place. */
    public static void write(Path file, List<TensorData> tensors, Map<String, String> metadata) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode m = header.putObject("__metadata__");
            metadata.forEach(m::put);
        }
        long offset = 0;
        for (TensorData t : tensors) {
            if (t.name().equals("__metadata__") || header.has(t.name())) {
                throw new IllegalArgumentException("duplicate or reserved tensor name '" + t.name() + "'");
            }
            ObjectNode e = header.putObject(t.name());
            e.put("dtype", t.dtype().name());
            ArrayNode shape = e.putArray("shape");
            for (long s : t.shape()) {
                shape.add(s);
            }
            long len = t.data().remaining();
            e.putArray("data_offsets").add(offset).add(offset + len);
            offset += len;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        byte[] head = new byte[8 + padded];
        ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
        System.arraycopy(json, 0, head, 8, json.length);
        Arrays.fill(head, 8 + json.length, head.length, (byte) ' ');
        AtomicFiles.write(file, out -> {
            out.write(head);
            byte[] chunk = new byte[1 << 16];
            for (TensorData t : tensors) {
                ByteBuffer b = t.data().duplicate();
                while (b.hasRemaining()) {
                    int n = Math.min(chunk.length, b.remaining());
                    b.get(chunk, 0, n);
                    out.write(chunk, 0, n);
                }
            }
        });
    }
}
