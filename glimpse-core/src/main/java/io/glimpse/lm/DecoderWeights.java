package io.glimpse.lm;

import io.glimpse.io.BadInputException;
import io.glimpse.io.Checkpoint;
import io.glimpse.io.HeapLimit;
import io.glimpse.nn.Linear;
import io.glimpse.nn.Norm;
import io.glimpse.nn.Rows;
import io.glimpse.nn.StoredMatrix;
import io.glimpse.tensor.WeightFormat;
import io.glimpse.tensor.WeightMatrix;
import io.glimpse.tensor.WeightQuantizer;
import io.glimpse.tensor.WeightStack;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The weights of a Qwen2 or Llama decoder as its forward pass uses them: q, k and v stacked into one projection, gate
 * and up into another, every matrix a {@link Linear} over its weights as stored ({@link WeightStack}: views into the
 * mapped file in their own format, or converted once to the format asked for), so nothing is widened onto the heap.
 * One builder serves every file layout through a {@link Source}: safetensors checkpoints here ({@link #load}), GGUF
 * files in {@link GgufDecoder}.
 *
 * @param embeddings  token embeddings [vocab × hidden], rows read one token at a time
 * @param ropeFactors     per-frequency divisors of the rotary inverse frequencies (a GGUF rope_freqs tensor), or null
 * @param interleavedRope q and k rows in the order of interleaved RoPE pairs (GGUF arch llama; see {@link Rope})
 */
record DecoderWeights(WeightMatrix embeddings, Linear head, Norm finalNorm, Layer[] layers, float[] ropeFactors,
                      boolean interleavedRope) {
    /** Prefix of the decoder's tensors and the name of its head, by checkpoint layout. */
    private static final List<String[]> LAYOUTS = List.of(
            new String[] {"model.", "lm_head.weight"},
            new String[] {"language_model.model.", "language_model.lm_head.weight"},
            new String[] {"model.language_model.", "lm_head.weight"});

    /** One pre-norm block: RMSNorm, attention projections, RMSNorm, SwiGLU MLP. */
    record Layer(Norm inputNorm, Linear qkv, Linear o, Norm postNorm, Linear gateUp, Linear down) {
    }

    /** The tensors of one block by role. */
    enum Part { INPUT_NORM, Q, K, V, O, POST_NORM, GATE, UP, DOWN }

    /** A decoder's tensors by layer and role, whatever a file names them; shapes are checked against the asked ones. */
    interface Source {
        WeightMatrix embeddings(int vocab, int hidden);

        /** The LM head, or null when it is tied to the embeddings. */
        WeightMatrix head(int vocab, int hidden);

        float[] finalNorm(int hidden);

        WeightMatrix matrix(int layer, Part part, int rows, int cols);

        /** A norm's weight ({@code bias} false) or a projection's bias. */
        float[] vector(int layer, Part part, boolean bias, int n);

        float[] ropeFactors(int half);

        /** Whether q and k rows are in interleaved-RoPE order. */
        boolean interleavedRope();

        /** The format matrices are converted to, or null when they stay as stored. */
        WeightFormat format();

        /** The file that messages name. */
        Object input();
    }

    /** The decoder of shape {@code c} from {@code s}. */
    static DecoderWeights build(DecoderConfig c, Source s) {
        int d = c.hiddenSize();
        int q = c.heads() * c.headDim();
        int kv = c.kvHeads() * c.headDim();
        int inter = c.intermediateSize();
        float eps = c.rmsNormEps();
        WeightMatrix embeddings = s.embeddings(c.vocabSize(), d);
        WeightFormat resident = s.format() == null ? embeddings.format() : s.format();
        HeapLimit.requireMemory(residentBytes(c, resident), s.input(), "the decoder's weights as " + resident.cliName());
        WeightMatrix head = s.head(c.vocabSize(), d);
        // Grown one loaded layer at a time, so an absurd layer count fails on a missing tensor, not an allocation.
        List<Layer> loaded = new ArrayList<>();
        for (int i = 0; i < c.layers(); i++) {
            int l = i;
            loaded.add(new Layer(
                    new Norm.Rms(s.vector(l, Part.INPUT_NORM, false, d), eps),
                    Linear.stored(WeightStack.of(s.matrix(l, Part.Q, q, d), s.matrix(l, Part.K, kv, d), s.matrix(l, Part.V, kv, d)),
                            c.qkvBias() ? Rows.concat(s.vector(l, Part.Q, true, q), s.vector(l, Part.K, true, kv),
                                    s.vector(l, Part.V, true, kv)) : null),
                    Linear.stored(WeightStack.of(s.matrix(l, Part.O, d, q)), c.oBias() ? s.vector(l, Part.O, true, d) : null),
                    new Norm.Rms(s.vector(l, Part.POST_NORM, false, d), eps),
                    Linear.stored(WeightStack.of(s.matrix(l, Part.GATE, inter, d), s.matrix(l, Part.UP, inter, d)),
                            c.mlpBias() ? Rows.concat(s.vector(l, Part.GATE, true, inter), s.vector(l, Part.UP, true, inter)) : null),
                    Linear.stored(WeightStack.of(s.matrix(l, Part.DOWN, d, inter)), c.mlpBias() ? s.vector(l, Part.DOWN, true, d) : null)));
        }
        return new DecoderWeights(embeddings, Linear.stored(WeightStack.of(head == null ? embeddings : head), null),
                new Norm.Rms(s.finalNorm(d), eps), loaded.toArray(new Layer[0]), s.ropeFactors(c.headDim() / 2), s.interleavedRope());
    }

    /**
     * Bytes the decoder of shape {@code c} keeps resident with its matrices in {@code f} (the embeddings' format stands
     * for every matrix of a file that mixes them), vectors as f32.
     */
    static long residentBytes(DecoderConfig c, WeightFormat f) {
        long sum = 0;
        for (long[] shape : GgufDecoder.tensorShapes(c).values()) {
            sum += shape.length == 1 ? 4 * shape[0] : shape[0] * shape[1] / f.blockSize() * f.blockBytes();
        }
        return sum;
    }

    /**
     * The decoder's tensors of a safetensors checkpoint, shaped by {@code c}, in {@code format} (null: as stored); missing
     * or misshapen ones name {@code configFile}. Tensor names may carry any of the prefixes {@code model.},
     * {@code language_model.model.} or {@code model.language_model.} (transformers' LlamaForCausalLM,
     * LlavaForConditionalGeneration before and after its 4.52 renaming); lm_head.weight is used when present, else the
     * embeddings (tied).
     */
    static DecoderWeights load(DecoderConfig c, Checkpoint ckpt, Path configFile, WeightFormat format) {
        String[] layout = LAYOUTS.stream().filter(l -> ckpt.has(l[0] + "embed_tokens.weight")).findFirst()
                .orElseThrow(() -> new BadInputException(ckpt.anyFile() + ": no decoder embeddings (looked for "
                        + LAYOUTS.stream().map(l -> l[0] + "embed_tokens.weight").toList() + ")"));
        return build(c, new SafetensorsSource(ckpt, configFile, format, layout[0], layout[1]));
    }

    /** Bytes of every weight matrix (the embeddings once when tied), what one decoded token reads at most. */
    long matrixBytes() {
        long sum = head.weights().bytes();
        for (Layer l : layers) {
            sum += l.qkv().weights().bytes() + l.o().weights().bytes() + l.gateUp().weights().bytes() + l.down().weights().bytes();
        }
        return sum;
    }

    /** Hugging Face names: {@code layers.N.self_attn.q_proj.weight}, {@code layers.N.mlp.gate_proj.weight}, …. */
    private record SafetensorsSource(Checkpoint ckpt, Path config, WeightFormat format, String prefix, String headName)
            implements Source {
        private static String name(int layer, Part part, String kind) {
            return "layers." + layer + "." + switch (part) {
                case INPUT_NORM -> "input_layernorm";
                case POST_NORM -> "post_attention_layernorm";
                case Q -> "self_attn.q_proj";
                case K -> "self_attn.k_proj";
                case V -> "self_attn.v_proj";
                case O -> "self_attn.o_proj";
                case GATE -> "mlp.gate_proj";
                case UP -> "mlp.up_proj";
                case DOWN -> "mlp.down_proj";
            } + kind;
        }

        @Override
        public WeightMatrix embeddings(int vocab, int hidden) {
            return matrix(prefix + "embed_tokens.weight", vocab, hidden);
        }

        @Override
        public WeightMatrix head(int vocab, int hidden) {
            return ckpt.has(headName) ? matrix(headName, vocab, hidden) : null;
        }

        @Override
        public float[] finalNorm(int hidden) {
            return ckpt.floats(prefix + "norm.weight", config, hidden);
        }

        @Override
        public WeightMatrix matrix(int layer, Part part, int rows, int cols) {
            return matrix(prefix + name(layer, part, ".weight"), rows, cols);
        }

        @Override
        public float[] vector(int layer, Part part, boolean bias, int n) {
            return ckpt.floats(prefix + name(layer, part, bias ? ".bias" : ".weight"), config, n);
        }

        @Override
        public float[] ropeFactors(int half) {
            return null;
        }

        @Override
        public boolean interleavedRope() {
            return false;
        }

        @Override
        public Object input() {
            return ckpt.anyFile();
        }

        private WeightMatrix matrix(String name, int rows, int cols) {
            WeightMatrix w = StoredMatrix.of(ckpt, config, name, rows, cols);
            if (format == null) {
                return w;
            }
            try {
                return WeightQuantizer.convert(w, format);
            } catch (IllegalArgumentException e) {
                throw new BadInputException(ckpt.file(name) + ": tensor '" + name + "' cannot be stored as " + format.cliName()
                        + " (" + e.getMessage() + ")", e);
            }
        }
    }
}
