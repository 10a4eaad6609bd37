package io.glimpse.tensor;

import io.glimpse.io.GgmlType;
import io.glimpse.io.GgufFile;
import io.glimpse.io.GgufTensor;
import io.glimpse.io.SafeTensors;
import io.glimpse.io.TensorData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Q8_0, Q4_0, Q4_K and Q6_K tensors written by llama.cpp's gguf-py (fixtures/gguf/make_gguf_fixtures.py) decode,
 * through the GGUF reader and the weight kernels of both paths, to exactly what gguf-py's own dequantization gives, and
 * their dot products with activations agree with gguf-py's weights summed in double; the Java quantizers re-encode
 * those files' source weights to the same bytes.
 */
class GgufDequantizeGoldenTest {
    static final Path DIR = Path.of("src/test/resources/fixtures/gguf");

    @ParameterizedTest
    @CsvSource({"qwen2-q8_0, blk.0.attn_q.weight", "qwen2-q8_0, blk.2.ffn_down.weight",
            "llama-q4_0, blk.1.attn_k.weight", "llama-q4_0, blk.0.ffn_gate.weight", "kquants, q4_k.weight",
            "kquants, q6_k.weight"})
    void storedBlocksDecodeToGgufPysValues(String file, String tensor) throws IOException {
        GgufTensor t = GgufFile.read(DIR.resolve(file + ".gguf")).tensor(tensor);
        TensorData expected = SafeTensors.read(DIR.resolve("golden.safetensors")).tensors().get(file + "." + tensor);
        assertThat(t.shape()).isEqualTo(expected.shape());
        WeightFormat format = WeightFormat.valueOf(t.type().name());
        WeightMatrix w = WeightMatrix.of(format, (int) t.shape()[0], (int) t.shape()[1], t.data());
        float[] want = expected.toFloats();
        float[] x = new float[w.cols()];
        java.util.Random rnd = new java.util.Random(7);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        for (WeightKernels k : new WeightKernels[] {new ScalarWeightKernels(),
                VectorOpsProvider.choose(WeightKernels.class, "PanamaWeightKernels", null, ScalarWeightKernels::new)}) {
            float[] got = new float[want.length];
            k.dequantize(w, 0, w.rows(), got, 0);
            assertThat(got).isEqualTo(want);
            for (int r = 0; r < w.rows(); r++) {
                double ref = 0;
                double mag = 0;
                for (int i = 0; i < w.cols(); i++) {
                    ref += (double) want[r * w.cols() + i] * x[i];
                    mag += Math.abs((double) want[r * w.cols() + i] * x[i]);
                }
                assertThat((double) k.dot(w, r, x, 0)).as("%s row %d", k.getClass().getSimpleName(), r)
                        .isCloseTo(ref, org.assertj.core.data.Offset.offset(1e-5 * mag));
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"qwen2-f32, qwen2-q8_0, blk.0.attn_q.weight, Q8_0", "qwen2-f32, qwen2-q8_0, token_embd.weight, Q8_0",
            "llama-bf16, llama-q4_0, blk.1.attn_k.weight, Q4_0", "llama-bf16, llama-q4_0, output.weight, Q4_0"})
    void javaQuantizersWriteGgufPysBytes(String source, String quantized, String tensor, GgmlType type) throws IOException {
        GgufTensor src = GgufFile.read(DIR.resolve(source + ".gguf")).tensor(tensor);
        GgufTensor want = GgufFile.read(DIR.resolve(quantized + ".gguf")).tensor(tensor);
        assertThat(want.type()).isEqualTo(type);
        int rows = (int) src.shape()[0];
        int cols = (int) src.shape()[1];
        WeightMatrix from = WeightMatrix.of(WeightFormat.valueOf(src.type().name()), rows, cols, src.data());
        WeightMatrix mine = WeightQuantizer.convert(from, WeightFormat.valueOf(type.name()));
        assertThat(mine.data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE))
                .isEqualTo(want.data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
    }
}
