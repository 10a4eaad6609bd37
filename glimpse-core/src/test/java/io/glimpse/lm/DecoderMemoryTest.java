package io.glimpse.lm;

import io.glimpse.io.BadInputException;
import io.glimpse.io.GgufFile;
import io.glimpse.io.GgufValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A decoder larger than any machine's RAM fails before its weights are touched, with the size it needs: a sparse GGUF
 * file whose header describes a 70B-shaped f32 decoder (about 280 GB) and whose data are holes.
 */
class DecoderMemoryTest {
    private static final int F32 = 0;

    @Test
    void aDecoderLargerThanRamIsRefusedUpFrontWithTheSizeItNeeds(@TempDir Path dir) throws IOException {
        int vocab = 32000;
        int d = 8192;
        int inter = 28672;
        int layers = 80;
        int kv = 1024;
        DecoderConfig c = new DecoderConfig("llama", vocab, d, inter, layers, 64, 8, 128, 1e-5f, 10000, null, false, false,
                false, false, 4096);
        Path file = dir.resolve("huge.gguf");
        writeSparse(file, c);
        long elements = 2L * vocab * d + (long) layers * ((long) d * (d + 2 * kv) + (long) d * d + 3L * d * inter);
        long vectors = (long) layers * 2 * d + d;
        long expectedMb = (4 * elements + 4 * vectors) >> 20;
        GgufFile g = GgufFile.read(file);
        assertThatThrownBy(() -> DecoderModel.load(g, null)).isInstanceOf(BadInputException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("need " + expectedMb + " MB of memory")
                .hasMessageContaining("as f32").hasMessageNotContaining("\n");
    }

    /** GGUF v3: header, metadata, tensor infos (all F32), then the file extended over its data without writing them. */
    private static void writeSparse(Path file, DecoderConfig c) throws IOException {
        Map<String, GgufValue> meta = GgufDecoder.metadata(c);
        Map<String, long[]> shapes = GgufDecoder.tensorShapes(c);
        Out out = new Out();
        out.u32(0x46554747);
        out.u32(3);
        out.u64(shapes.size());
        out.u64(meta.size());
        for (Map.Entry<String, GgufValue> e : meta.entrySet()) {
            out.string(e.getKey());
            out.u32(e.getValue().type().ordinal());
            switch (e.getValue().type()) {
                case UINT32 -> out.u32(((Number) e.getValue().value()).longValue());
                case FLOAT32 -> out.u32(Float.floatToIntBits(((Number) e.getValue().value()).floatValue()));
                case STRING -> out.string((String) e.getValue().value());
                default -> throw new IllegalStateException("metadata type " + e.getValue().type());
            }
        }
        long offset = 0;
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            long[] s = e.getValue();
            out.string(e.getKey());
            out.u32(s.length);
            for (int i = s.length - 1; i >= 0; i--) {
                out.u64(s[i]);
            }
            out.u32(F32);
            out.u64(offset);
            long bytes = 4 * (s.length == 1 ? s[0] : s[0] * s[1]);
            offset += (bytes + 31) / 32 * 32;
        }
        byte[] header = out.bytes.toByteArray();
        long dataStart = (header.length + 31) / 32 * 32;
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.write(header);
            f.setLength(dataStart + offset);
        }
    }

    private static final class Out {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        void u32(long v) {
            bytes.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
        }

        void u64(long v) {
            bytes.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
        }

        void string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            bytes.writeBytes(b);
        }
    }
}
