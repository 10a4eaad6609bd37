package io.glimpse.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SafeTensorsTest {
    @TempDir
    Path dir;

    private Path file(String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        for (int i = 0; i < dataBytes; i++) {
            b.put((byte) i);
        }
        Path p = dir.resolve("f.safetensors");
        Files.write(p, b.array());
        return p;
    }

    @Test
    void readsAHandWrittenReferenceLayout() throws IOException {
        Path p = file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"__metadata__\":{\"format\":\"pt\"},\"b\":{\"dtype\":\"I64\",\"shape\":[1,1],\"data_offsets\":[8,16]}}", 16);
        SafeTensors st = SafeTensors.read(p);
        assertThat(st.metadata()).isEqualTo(Map.of("format", "pt"));
        assertThat(st.tensor("a", p).toFloats()).containsExactly(
                Float.intBitsToFloat(0x03020100), Float.intBitsToFloat(0x07060504));
        assertThat(st.tensor("b", p).toDoubles()[0]).isEqualTo((double) 0x0f0e0d0c0b0a0908L);
    }

    @Test
    void f16AndBf16DecodeKnownBitPatterns() {
        assertThat(HalfFloats.halfToFloat((short) 0x3c00)).isEqualTo(1f);
        assertThat(HalfFloats.halfToFloat((short) 0xc000)).isEqualTo(-2f);
        assertThat(HalfFloats.halfToFloat((short) 0x0001)).isEqualTo(0x1p-24f);
        assertThat(HalfFloats.halfToFloat((short) 0x7bff)).isEqualTo(65504f);
        assertThat(HalfFloats.floatToHalf(65520f)).isEqualTo((short) 0x7c00);
        assertThat(HalfFloats.bf16ToFloat((short) 0x3f80)).isEqualTo(1f);
        assertThat(HalfFloats.floatToBf16(1.00390625f)).as("ties round to even").isEqualTo((short) 0x3f80);
    }

    @Test
    void rejectsHeaderLengthPastTheEnd() throws IOException {
        Path p = dir.resolve("g.safetensors");
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).putLong(0);
        Files.write(p, b.array());
        assertThatThrownBy(() -> SafeTensors.read(p)).isInstanceOf(BadInputException.class)
                .hasMessageContaining(p.toString()).hasMessageContaining("past the end");
    }

    @Test
    void rejectsHugeHeader() throws IOException {
        Path p = dir.resolve("h.safetensors");
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).putLong(0);
        Files.write(p, b.array());
        assertThatThrownBy(() -> SafeTensors.read(p)).isInstanceOf(BadInputException.class).hasMessageContaining("header length");
    }

    @Test
    void rejectsOverlappingOffsets() throws IOException {
        Path p = file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8);
        assertThatThrownBy(() -> SafeTensors.read(p)).isInstanceOf(BadInputException.class).hasMessageContaining("overlaps");
    }

    @Test
    void rejectsOutOfRangeOffsets() throws IOException {
        Path p = file("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8);
        assertThatThrownBy(() -> SafeTensors.read(p)).isInstanceOf(BadInputException.class).hasMessageContaining("truncated");
    }

    @Test
    void rejectsUnknownDtype() throws IOException {
        Path p = file("{\"a\":{\"dtype\":\"F8_E9\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1);
        assertThatThrownBy(() -> SafeTensors.read(p)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("unknown dtype 'F8_E9'").hasMessageContaining("'a'");
    }

    @Test
    void rejectsShapeThatDisagreesWithItsBytes() throws IOException {
        Path p = file("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8);
        assertThatThrownBy(() -> SafeTensors.read(p)).isInstanceOf(BadInputException.class).hasMessageContaining("needs 12");
    }

    @Test
    void failedWriteLeavesNothingBehind() {
        Path target = dir.resolve("out.safetensors");
        TensorData a = TensorData.ofFloats("a", new float[]{1}, 1);
        assertThatThrownBy(() -> SafeTensors.write(target, List.of(a, a), Map.of())).isInstanceOf(IllegalArgumentException.class);
        assertThat(dir.toFile().list()).isEmpty();
    }
}
