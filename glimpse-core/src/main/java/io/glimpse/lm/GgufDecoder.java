package io.glimpse.lm;

import io.glimpse.io.BadInputException;
import io.glimpse.io.GgufFile;
import io.glimpse.io.GgufTensor;
import io.glimpse.io.GgufValue;
import io.glimpse.tensor.WeightFormat;
import io.glimpse.tensor.WeightMatrix;
import io.glimpse.tensor.WeightQuantizer;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Qwen2 or Llama decoder from a GGUF file, in llama.cpp's names and keys (gguf-py constants.py, conversion/llama.py):
 * {@code {arch}.embedding_length}, {@code .block_count}, {@code .feed_forward_length}, {@code .attention.head_count[_kv]},
 * {@code .attention.layer_norm_rms_epsilon}, {@code .rope.freq_base}; tensors {@code token_embd}, {@code blk.N.attn_*},
 * {@code blk.N.ffn_*}, {@code output_norm}, {@code output} (absent when tied) and {@code rope_freqs} (Llama-3 scaling as
 * frequency divisors). Biases are read when present (Qwen2's q/k/v).
 *
 * <p>For arch {@code llama} the converter permuted the rows of q and k so that llama.cpp's interleaved RoPE applies
 * (pairs (2i, 2i+1) per head); the weights stay as they are and the decoder rotates those pairs ({@link Rope}), which
 * gives the attention of the Hugging Face layout without copying a matrix. Matrices stay as stored unless a format is
 * asked for.
 */
public final class GgufDecoder {
    private GgufDecoder() {
    }

    /** The metadata a decoder of shape {@code c} is described by in GGUF, the keys {@link #config} reads. */
    public static Map<String, GgufValue> metadata(DecoderConfig c) {
        String a = c.modelType();
        Map<String, GgufValue> m = new LinkedHashMap<>();
        m.put("general.architecture", GgufValue.string(a));
        m.put(a + ".context_length", GgufValue.u32(32768));
        m.put(a + ".embedding_length", GgufValue.u32(c.hiddenSize()));
        m.put(a + ".block_count", GgufValue.u32(c.layers()));
        m.put(a + ".feed_forward_length", GgufValue.u32(c.intermediateSize()));
        m.put(a + ".attention.head_count", GgufValue.u32(c.heads()));
        m.put(a + ".attention.head_count_kv", GgufValue.u32(c.kvHeads()));
        m.put(a + ".attention.key_length", GgufValue.u32(c.headDim()));
        m.put(a + ".attention.value_length", GgufValue.u32(c.headDim()));
        m.put(a + ".attention.layer_norm_rms_epsilon", GgufValue.f32(c.rmsNormEps()));
        m.put(a + ".rope.freq_base", GgufValue.f32((float) c.ropeTheta()));
        m.put(a + ".rope.dimension_count", GgufValue.u32(c.headDim()));
        return m;
    }

    /**
     * The tensors of a decoder of shape {@code c} in file order, each with its PyTorch shape ([rows, cols] for
     * matrices, [n] for norms and biases), the names {@link #weights} reads.
     */
    public static Map<String, long[]> tensorShapes(DecoderConfig c) {
        int d = c.hiddenSize();
        int q = c.heads() * c.headDim();
        int kv = c.kvHeads() * c.headDim();
        int inter = c.intermediateSize();
        Map<String, long[]> t = new LinkedHashMap<>();
        t.put("token_embd.weight", new long[] {c.vocabSize(), d});
        for (int i = 0; i < c.layers(); i++) {
            String b = "blk." + i + ".";
            t.put(b + "attn_norm.weight", new long[] {d});
            t.put(b + "attn_q.weight", new long[] {q, d});
            t.put(b + "attn_k.weight", new long[] {kv, d});
            t.put(b + "attn_v.weight", new long[] {kv, d});
            if (c.qkvBias()) {
                t.put(b + "attn_q.bias", new long[] {q});
                t.put(b + "attn_k.bias", new long[] {kv});
                t.put(b + "attn_v.bias", new long[] {kv});
            }
            t.put(b + "attn_output.weight", new long[] {d, q});
            t.put(b + "ffn_norm.weight", new long[] {d});
            t.put(b + "ffn_gate.weight", new long[] {inter, d});
            t.put(b + "ffn_up.weight", new long[] {inter, d});
            t.put(b + "ffn_down.weight", new long[] {d, inter});
        }
        t.put("output_norm.weight", new long[] {d});
        if (!c.tieWordEmbeddings()) {
            t.put("output.weight", new long[] {c.vocabSize(), d});
        }
        return t;
    }

    /** The decoder shape the file's metadata describes. */
    public static DecoderConfig config(GgufFile g) {
        String arch = g.string("general.architecture");
        if (!arch.equals("llama") && !arch.equals("qwen2")) {
            throw new BadInputException(g.file() + ": general.architecture '" + arch + "' is not a supported decoder (llama, qwen2)");
        }
        String scaling = g.string(arch + ".rope.scaling.type", "none");
        if (!scaling.equals("none")) {
            throw new BadInputException(g.file() + ": " + arch + ".rope.scaling.type '" + scaling + "' is not supported (none)");
        }
        int hidden = positive(g, arch + ".embedding_length", -1);
        int heads = positive(g, arch + ".attention.head_count", -1);
        int headDim = positive(g, arch + ".attention.key_length", hidden / Math.max(1, heads));
        int ropeDims = positive(g, arch + ".rope.dimension_count", headDim);
        if (ropeDims != headDim) {
            throw new BadInputException(g.file() + ": " + arch + ".rope.dimension_count " + ropeDims + " is not the head size "
                    + headDim + " (partial rotary is not supported)");
        }
        long[] embd = g.tensor("token_embd.weight").shape();
        if (embd.length != 2 || embd[0] > Integer.MAX_VALUE) {
            throw new BadInputException(g.file() + ": token_embd.weight has shape " + Arrays.toString(embd));
        }
        try {
            return new DecoderConfig(arch, (int) embd[0], hidden, positive(g, arch + ".feed_forward_length", -1),
                    positive(g, arch + ".block_count", -1), heads, positive(g, arch + ".attention.head_count_kv", heads), headDim,
                    (float) g.number(arch + ".attention.layer_norm_rms_epsilon"), g.number(arch + ".rope.freq_base", 10000.0),
                    null, !g.has("output.weight"), g.has("blk.0.attn_q.bias"), g.has("blk.0.attn_output.bias"),
                    g.has("blk.0.ffn_gate.bias"), positive(g, arch + ".context_length", arch.equals("qwen2") ? 32768 : 2048));
        } catch (IllegalArgumentException e) {
            throw new BadInputException(g.file() + ": " + e.getMessage(), e);
        }
    }

    private static int positive(GgufFile g, String key, int absent) {
        long v = absent < 0 ? g.integer(key) : g.integer(key, absent);
        if (v <= 0 || v > Integer.MAX_VALUE) {
            throw new BadInputException(g.file() + ": " + key + " = " + v + " is not a positive int");
        }
        return (int) v;
    }

    static DecoderWeights weights(DecoderConfig c, GgufFile g, WeightFormat format) {
        return DecoderWeights.build(c, new Source(g, format, c.modelType().equals("llama")));
    }

    /** The file's tensors by role, checked against the shapes its metadata implies. */
    private record Source(GgufFile g, WeightFormat format, boolean interleavedRope) implements DecoderWeights.Source {
        private static String name(int layer, DecoderWeights.Part part, String kind) {
            return "blk." + layer + "." + switch (part) {
                case INPUT_NORM -> "attn_norm";
                case POST_NORM -> "ffn_norm";
                case Q -> "attn_q";
                case K -> "attn_k";
                case V -> "attn_v";
                case O -> "attn_output";
                case GATE -> "ffn_gate";
                case UP -> "ffn_up";
                case DOWN -> "ffn_down";
            } + kind;
        }

        @Override
        public WeightMatrix embeddings(int vocab, int hidden) {
            return matrix("token_embd.weight", vocab, hidden);
        }

        @Override
        public Object input() {
            return g.file();
        }

        @Override
        public WeightMatrix head(int vocab, int hidden) {
            return g.has("output.weight") ? matrix("output.weight", vocab, hidden) : null;
        }

        @Override
        public float[] finalNorm(int hidden) {
            return vector("output_norm.weight", hidden);
        }

        @Override
        public WeightMatrix matrix(int layer, DecoderWeights.Part part, int rows, int cols) {
            return matrix(name(layer, part, ".weight"), rows, cols);
        }

        @Override
        public float[] vector(int layer, DecoderWeights.Part part, boolean bias, int n) {
            return vector(name(layer, part, bias ? ".bias" : ".weight"), n);
        }

        @Override
        public float[] ropeFactors(int half) {
            return g.has("rope_freqs.weight") ? vector("rope_freqs.weight", half) : null;
        }

        private GgufTensor tensor(String name, long... shape) {
            GgufTensor t = g.tensor(name);
            if (!Arrays.equals(t.shape(), shape)) {
                throw new BadInputException(g.file() + ": tensor '" + name + "' has shape " + Arrays.toString(t.shape())
                        + " but the metadata implies " + Arrays.toString(shape));
            }
            return t;
        }

        private WeightMatrix stored(String name, GgufTensor t, int rows, int cols) {
            WeightFormat f = WeightFormat.parse(t.type().name());
            if (f == null) {
                throw new BadInputException(g.file() + ": tensor '" + name + "' is " + t.type() + ", not a supported type "
                        + Arrays.toString(WeightFormat.values()));
            }
            return WeightMatrix.of(f, rows, cols, t.data());
        }

        private WeightMatrix matrix(String name, int rows, int cols) {
            WeightMatrix w = stored(name, tensor(name, rows, cols), rows, cols);
            return format == null ? w : WeightQuantizer.convert(w, format);
        }

        private float[] vector(String name, int n) {
            WeightMatrix w = stored(name, tensor(name, n), 1, n);
            if (w.format().blockSize() != 1) {
                throw new BadInputException(g.file() + ": tensor '" + name + "' is " + w.format() + "; vectors must be F32, F16 or BF16");
            }
            float[] v = w.toFloats();
            for (int i = 0; i < n; i++) {
                if (!Float.isFinite(v[i])) {
                    throw new BadInputException(g.file() + ": tensor '" + name + "' holds " + v[i] + " at element " + i);
                }
            }
            return v;
        }
    }
}
