package io.glimpse.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GgufFileTest {
    @TempDir
    Path dir;

    /** A file with one value of every type, nested arrays, an F32 matrix and a Q8_0 row, at a non-default alignment. */
    static Map<String, GgufValue> metadata() {
        Map<String, GgufValue> m = new LinkedHashMap<>();
        m.put("general.architecture", GgufValue.string("qwen2"));
        m.put("general.alignment", GgufValue.u32(64));
        m.put("u8", new GgufValue(GgufValue.Type.UINT8, 200L));
        m.put("i8", new GgufValue(GgufValue.Type.INT8, -5L));
        m.put("u16", new GgufValue(GgufValue.Type.UINT16, 60000L));
        m.put("i16", new GgufValue(GgufValue.Type.INT16, -30000L));
        m.put("u32", GgufValue.u32(4_000_000_000L));
        m.put("i32", GgufValue.i32(-7));
        m.put("f32", GgufValue.f32(1e-6f));
        m.put("bool", GgufValue.bool(true));
        m.put("u64", new GgufValue(GgufValue.Type.UINT64, -1L));
        m.put("i64", new GgufValue(GgufValue.Type.INT64, Long.MIN_VALUE));
        m.put("f64", new GgufValue(GgufValue.Type.FLOAT64, Math.PI));
        m.put("tokens", GgufValue.strings(List.of("a", "Ġb", "<|im_end|>", "")));
        m.put("types", GgufValue.i32s(new int[] {1, 1, 3, 6}));
        m.put("nested", new GgufValue(GgufValue.Type.ARRAY, new GgufValue.Array(GgufValue.Type.ARRAY,
                List.of(new GgufValue.Array(GgufValue.Type.FLOAT32, List.of(1f, 2f))))));
        return m;
    }

    static List<GgufTensor> tensors() {
        ByteBuffer f = ByteBuffer.allocate(6 * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 6; i++) {
            f.putFloat(i + 0.5f);
        }
        byte[] q = new byte[34];
        q[0] = 0x00;
        q[1] = 0x3c;
        for (int i = 0; i < 32; i++) {
            q[2 + i] = (byte) (i - 16);
        }
        return List.of(new GgufTensor("w", GgmlType.F32, new long[] {3, 2}, MemorySegment.ofArray(f.array())),
                new GgufTensor("q", GgmlType.Q8_0, new long[] {32}, MemorySegment.ofArray(q)));
    }

    Path valid() throws IOException {
        Path p = dir.resolve("valid.gguf");
        GgufWriter.write(p, metadata(), tensors());
        return p;
    }

    @Test
    void roundTripsEveryValueTypeAndTensorViews() throws IOException {
        GgufFile g = GgufFile.read(valid());
        assertThat(g.version()).isEqualTo(3);
        assertThat(g.alignment()).isEqualTo(64);
        assertThat(g.metadata()).isEqualTo(metadata());
        assertThat(g.string("general.architecture")).isEqualTo("qwen2");
        assertThat(g.integer("u32")).isEqualTo(4_000_000_000L);
        assertThat(g.number("f32")).isEqualTo(1e-6f);
        assertThat(g.number("i32")).isEqualTo(-7);
        assertThat(g.bool("bool", false)).isTrue();
        assertThat(g.strings("tokens")).containsExactly("a", "Ġb", "<|im_end|>", "");
        assertThat(g.ints("types")).containsExactly(1, 1, 3, 6);
        GgufTensor w = g.tensor("w");
        assertThat(w.shape()).containsExactly(2, 3);
        assertThat(w.data().byteSize()).isEqualTo(24);
        assertThat(w.data().get(GgufFile.F32, 5 * 4)).isEqualTo(5.5f);
        GgufTensor q = g.tensor("q");
        assertThat(q.type()).isEqualTo(GgmlType.Q8_0);
        assertThat(q.data().get(ValueLayout.JAVA_BYTE, 2 + 31)).isEqualTo((byte) 15);
        // the mapping starts on a page, so an address on the alignment is a file offset on it
        assertThat(w.data().address() % 64).isZero();
        assertThat(q.data().address() % 64).isZero();
    }

    @Test
    void wrongTypedOrMissingKeysNameTheKey() throws IOException {
        GgufFile g = GgufFile.read(valid());
        assertThatThrownBy(() -> g.integer("tokens")).isInstanceOf(BadInputException.class).hasMessageContaining("'tokens'");
        assertThatThrownBy(() -> g.string("absent")).isInstanceOf(BadInputException.class).hasMessageContaining("'absent'");
        assertThatThrownBy(() -> g.strings("types")).isInstanceOf(BadInputException.class).hasMessageContaining("INT32");
        assertThat(g.integer("absent", 9)).isEqualTo(9);
    }

    private String failure(byte[] bytes) throws IOException {
        Path p = dir.resolve("bad.gguf");
        Files.write(p, bytes);
        try {
            GgufFile.read(p);
        } catch (BadInputException e) {
            assertThat(e.getMessage()).startsWith(p.toString()).doesNotContain("\n");
            return e.getMessage();
        }
        throw new AssertionError("read a bad file without complaint");
    }

    private static void putU32(byte[] b, int at, long v) {
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(at, (int) v);
    }

    private static void putU64(byte[] b, int at, long v) {
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(at, v);
    }

    /** Byte offset of the first occurrence of {@code s} (a key or name) in the file. */
    private static int find(byte[] b, String s) {
        byte[] n = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        outer:
        for (int i = 0; i + n.length <= b.length; i++) {
            for (int j = 0; j < n.length; j++) {
                if (b[i + j] != n[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError(s);
    }

    @Test
    void badHeadersNameTheField() throws IOException {
        byte[] ok = Files.readAllBytes(valid());
        byte[] magic = ok.clone();
        magic[0] = 'X';
        assertThat(failure(magic)).contains("magic");
        byte[] version = ok.clone();
        putU32(version, 4, 1);
        assertThat(failure(version)).contains("version 1");
        byte[] swapped = ok.clone();
        putU32(swapped, 4, Integer.reverseBytes(3));
        assertThat(failure(swapped)).contains("version");
        byte[] count = ok.clone();
        putU64(count, 8, 1L << 40);
        assertThat(failure(count)).contains("tensor_count");
    }

    @Test
    void absurdArrayLengthsUnknownTypesAndDimsAreRefused() throws IOException {
        byte[] ok = Files.readAllBytes(valid());
        byte[] array = ok.clone();
        // "tokens" key, then u32 ARRAY, u32 STRING, u64 count
        int tokens = find(array, "tokens") + "tokens".length();
        putU64(array, tokens + 8, Long.MAX_VALUE);
        assertThat(failure(array)).contains("key 'tokens'").contains("absurd");
        byte[] valueType = ok.clone();
        putU32(valueType, find(valueType, "bool") + 4, 99);
        assertThat(failure(valueType)).contains("key 'bool'").contains("unknown value type 99");

        int q = find(ok, "q\u0001");
        // tensor info of "q": name, u32 n_dims (1), u64 dim, u32 type, u64 offset
        byte[] quant = ok.clone();
        putU32(quant, q + 1 + 4 + 8, 4);
        assertThat(failure(quant)).contains("tensor 'q'").contains("type 4");
        byte[] dims = ok.clone();
        putU32(dims, q + 1, 7);
        assertThat(failure(dims)).contains("tensor 'q'").contains("7 dims");
        byte[] partial = ok.clone();
        putU64(partial, q + 1 + 4, 33);
        assertThat(failure(partial)).contains("tensor 'q'").contains("whole Q8_0 blocks");
        byte[] huge = ok.clone();
        putU64(huge, q + 1 + 4, 1L << 62);
        assertThat(failure(huge)).contains("tensor 'q'");
        byte[] misaligned = ok.clone();
        putU64(misaligned, q + 1 + 4 + 8 + 4, 3);
        assertThat(failure(misaligned)).contains("tensor 'q'").contains("alignment");
    }

    @Test
    void truncatedTensorDataIsRefused() throws IOException {
        byte[] ok = Files.readAllBytes(valid());
        assertThat(failure(java.util.Arrays.copyOf(ok, ok.length - 40))).contains("tensor 'q'").contains("truncated");
        assertThat(failure(java.util.Arrays.copyOf(ok, 30))).contains("truncated");
    }

    @Test
    void safetensorsOverTwoGigabytesMapWholeWithoutCopying() throws IOException {
        long n = (1L << 31) + 64;
        String json = "{\"big\":{\"dtype\":\"U8\",\"shape\":[" + n + "],\"data_offsets\":[0," + n + "]}}";
        byte[] header = (json + " ".repeat((8 - json.length() % 8) % 8)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Path p = dir.resolve("big.safetensors");
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
            f.write(header);
            f.setLength(8 + header.length + n);
            f.seek(8 + header.length + n - 1);
            f.write(42);
        }
        TensorData big = SafeTensors.read(p).tensors().get("big");
        assertThat(big.segment().byteSize()).isEqualTo(n);
        assertThat(big.segment().get(ValueLayout.JAVA_BYTE, n - 1)).isEqualTo((byte) 42);
        assertThat(big.segment().isMapped()).isTrue();
    }
}
