package io.glimpse.io;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes a GGUF v3 file (the layout {@link GgufFile} reads): header, metadata in the given order, tensor infos, then
 * each tensor's bytes padded to the alignment ({@code general.alignment} when the metadata sets it, else 32). The file
 * appears whole or not at all ({@link AtomicFiles}).
 */
public final class GgufWriter {
    private GgufWriter() {
    }

    public static void write(Path file, Map<String, GgufValue> metadata, List<GgufTensor> tensors) throws IOException {
        long alignment = metadata.containsKey("general.alignment") ? (long) metadata.get("general.alignment").value()
                : GgufFile.DEFAULT_ALIGNMENT;
        AtomicFiles.write(file, raw -> {
            Le out = new Le(raw);
            out.u32(GgufFile.MAGIC);
            out.u32(3);
            out.u64(tensors.size());
            out.u64(metadata.size());
            for (Map.Entry<String, GgufValue> e : metadata.entrySet()) {
                out.string(e.getKey());
                out.u32(e.getValue().type().ordinal());
                out.payload(e.getValue().type(), e.getValue().value());
            }
            long offset = 0;
            for (GgufTensor t : tensors) {
                out.string(t.name());
                out.u32(t.dims().length);
                for (long d : t.dims()) {
                    out.u64(d);
                }
                out.u32(t.type().id());
                out.u64(offset);
                offset += padded(t.data().byteSize(), alignment);
            }
            out.pad(alignment);
            for (GgufTensor t : tensors) {
                out.bytes(t.data());
                out.pad(alignment);
            }
        });
    }

    private static long padded(long n, long alignment) {
        return (n + alignment - 1) / alignment * alignment;
    }

    /** Little-endian primitives over a stream, counting bytes for the padding. */
    private static final class Le {
        private final DataOutputStream out;
        private long written;

        Le(OutputStream out) {
            this.out = new DataOutputStream(out);
        }

        void u32(long v) throws IOException {
            out.writeInt(Integer.reverseBytes((int) v));
            written += 4;
        }

        void u64(long v) throws IOException {
            out.writeLong(Long.reverseBytes(v));
            written += 8;
        }

        void string(String s) throws IOException {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            out.write(b);
            written += b.length;
        }

        void payload(GgufValue.Type type, Object v) throws IOException {
            switch (type) {
                case UINT8, INT8, BOOL -> {
                    out.writeByte(v instanceof Boolean b ? (b ? 1 : 0) : (int) (long) (Long) v);
                    written += 1;
                }
                case UINT16, INT16 -> {
                    out.writeShort(Short.reverseBytes((short) (long) (Long) v));
                    written += 2;
                }
                case UINT32, INT32 -> u32((Long) v);
                case UINT64, INT64 -> u64((Long) v);
                case FLOAT32 -> u32(Float.floatToRawIntBits((Float) v));
                case FLOAT64 -> u64(Double.doubleToRawLongBits((Double) v));
                case STRING -> string((String) v);
                case ARRAY -> {
                    GgufValue.Array a = (GgufValue.Array) v;
                    u32(a.elementType().ordinal());
                    u64(a.items().size());
                    for (Object item : a.items()) {
                        payload(a.elementType(), item);
                    }
                }
            }
        }

        void bytes(MemorySegment data) throws IOException {
            byte[] chunk = new byte[1 << 16];
            for (long at = 0; at < data.byteSize(); at += chunk.length) {
                int n = (int) Math.min(chunk.length, data.byteSize() - at);
                MemorySegment.copy(data, ValueLayout.JAVA_BYTE, at, chunk, 0, n);
                out.write(chunk, 0, n);
            }
            written += data.byteSize();
        }

        void pad(long alignment) throws IOException {
            while (written % alignment != 0) {
                out.writeByte(0);
                written++;
            }
        }
    }
}
