package io.glimpse.lm;

import io.glimpse.io.GgmlType;
import io.glimpse.io.GgufFile;
import io.glimpse.io.GgufTensor;
import io.glimpse.io.GgufWriter;
import io.glimpse.tensor.WeightFormat;
import io.glimpse.tensor.WeightMatrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A decoder stored as llama.cpp's Q4_K_M mixes it (Q4_K matrices, Q6_K for ffn_down and the head) gives, in prefill
 * (dequantized panels) and in decode (kernels on the blocks), the logits of the same weights stored as F32.
 */
class KQuantDecoderTest {
    @TempDir
    Path dir;

    @Test
    void mixedKQuantDecoderMatchesItsF32Weights() throws IOException {
        DecoderConfig c = new DecoderConfig("llama", 300, 256, 512, 2, 4, 2, 64, 1e-5f, 10000, null, false, false, false,
                false, 512);
        Random rnd = new Random(10);
        List<GgufTensor> quantized = new ArrayList<>();
        List<GgufTensor> widened = new ArrayList<>();
        for (Map.Entry<String, long[]> e : GgufDecoder.tensorShapes(c).entrySet()) {
            long[] s = e.getValue();
            if (s.length == 1) {
                float[] ones = new float[(int) s[0]];
                Arrays.fill(ones, 1f);
                GgufTensor v = new GgufTensor(e.getKey(), GgmlType.F32, s, MemorySegment.ofArray(ones));
                quantized.add(v);
                widened.add(v);
                continue;
            }
            WeightFormat f = e.getKey().endsWith("ffn_down.weight") || e.getKey().equals("output.weight") ? WeightFormat.Q6_K
                    : WeightFormat.Q4_K;
            WeightMatrix w = randomBlocks(f, (int) s[0], (int) s[1], rnd);
            long[] dims = {s[1], s[0]};
            quantized.add(new GgufTensor(e.getKey(), GgmlType.valueOf(f.name()), dims, w.data()));
            widened.add(new GgufTensor(e.getKey(), GgmlType.F32, dims, MemorySegment.ofArray(w.toFloats())));
        }
        Path q = dir.resolve("q4_k_m.gguf");
        Path f32 = dir.resolve("f32.gguf");
        GgufWriter.write(q, GgufDecoder.metadata(c), quantized);
        GgufWriter.write(f32, GgufDecoder.metadata(c), widened);
        DecoderModel mq = DecoderModel.load(GgufFile.read(q), null);
        DecoderModel mf = DecoderModel.load(GgufFile.read(f32), null);
        int[] ids = {1, 250, 17, 99, 3};
        float[] prefill = prefill(mq, ids);
        assertClose(prefill, prefill(mf, ids));
        KvCache cq = mq.newCache(8);
        KvCache cf = mf.newCache(8);
        for (int i = 0; i < ids.length; i++) {
            int[] one = {ids[i]};
            assertClose(mq.forward(cq, mq.embed(one), new int[] {i}, 1), mf.forward(cf, mf.embed(one), new int[] {i}, 1));
        }
    }

    private static float[] prefill(DecoderModel m, int[] ids) {
        return m.forward(m.newCache(8), m.embed(ids), LmFixtures.range(0, ids.length), ids.length);
    }

    private static void assertClose(float[] actual, float[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        double scale = 0;
        for (float e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        assertThat(scale).as("logits of random weights are not all zero").isGreaterThan(1e-3);
        for (int i = 0; i < actual.length; i++) {
            assertThat((double) actual[i]).as("logit %d", i).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-4 * scale));
        }
    }

    /** Random codes; f16 super-block scales that keep weights within about ±0.05 (Q4_K: d, dmin at 0, 2; Q6_K: d at 208). */
    private static WeightMatrix randomBlocks(WeightFormat f, int rows, int cols, Random rnd) {
        byte[] raw = new byte[(int) (rows * f.rowBytes(cols))];
        rnd.nextBytes(raw);
        MemorySegment s = MemorySegment.ofArray(raw);
        ValueLayout.OfShort i16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (long b = 0; b < raw.length / f.blockBytes(); b++) {
            long at = b * f.blockBytes();
            if (f == WeightFormat.Q4_K) {
                s.set(i16, at, Float.floatToFloat16(0.1f / (63 * 15) * (0.5f + rnd.nextFloat())));
                s.set(i16, at + 2, Float.floatToFloat16(0.05f / (63 * 15) * (0.5f + rnd.nextFloat())));
            } else {
                s.set(i16, at + 208, Float.floatToFloat16(0.1f / (128 * 32) * (0.5f + rnd.nextFloat())));
            }
        }
        return WeightMatrix.of(f, rows, cols, s);
    }
}
