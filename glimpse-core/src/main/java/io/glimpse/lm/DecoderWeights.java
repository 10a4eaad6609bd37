package io.glimpse.lm;

import io.glimpse.io.BadInputException;
import io.glimpse.io.Checkpoint;
import io.glimpse.io.TensorData;
import io.glimpse.nn.Linear;
import io.glimpse.nn.Norm;
import io.glimpse.nn.Rows;
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
 * mapped checkpoint in their own dtype, or converted once to the format asked for), so nothing is widened onto the
 * heap. Tensor names may carry any of the prefixes {@code model.}, {@code language_model.model.} or
 * {@code model.language_model.} (transformers' LlamaForCausalLM, LlavaForConditionalGeneration before and after its
 * 4.52 renaming); lm_head.weight is used when present, else the embeddings (tied). GGUF files load through
 * {@link GgufDecoder}.
 *
 * @param embeddings  token embeddings [vocab × hidden], rows read one token at a time
 * @param ropeFactors per-frequency divisors of the rotary inverse frequencies (a GGUF rope_freqs tensor), or null
 */
record DecoderWeights(WeightMatrix embeddings, Linear head, Norm finalNorm, Layer[] layers, float[] ropeFactors) {
    /** Prefix of the decoder's tensors and the name of its head, by checkpoint layout. */
    private static final List<String[]> LAYOUTS = List.of(
            new String[] {"model.", "lm_head.weight"},
            new String[] {"language_model.model.", "language_model.lm_head.weight"},
            new String[] {"model.language_model.", "lm_head.weight"});

    /** One pre-norm block: RMSNorm, attention projections, RMSNorm, SwiGLU MLP. */
    record Layer(Norm inputNorm, Linear qkv, Linear o, Norm postNorm, Linear gateUp, Linear down) {
    }

    /**
     * The decoder's tensors of {@code ckpt}, shaped by {@code c}, in {@code format} (null: as stored); missing or
     * misshapen ones name {@code configFile}.
     */
    static DecoderWeights load(DecoderConfig c, Checkpoint ckpt, Path configFile, WeightFormat format) {
        String[] layout = LAYOUTS.stream().filter(l -> ckpt.has(l[0] + "embed_tokens.weight")).findFirst()
                .orElseThrow(() -> new BadInputException(ckpt.anyFile() + ": no decoder embeddings (looked for "
                        + LAYOUTS.stream().map(l -> l[0] + "embed_tokens.weight").toList() + ")"));
        String p = layout[0];
        int d = c.hiddenSize();
        int q = c.heads() * c.headDim();
        int kv = c.kvHeads() * c.headDim();
        int inter = c.intermediateSize();
        float eps = c.rmsNormEps();
        Loader t = new Loader(ckpt, configFile, format);
        WeightMatrix embeddings = t.matrix(p + "embed_tokens.weight", c.vocabSize(), d);
        WeightMatrix head = ckpt.has(layout[1]) ? t.matrix(layout[1], c.vocabSize(), d) : embeddings;
        // Grown one loaded layer at a time, so an absurd num_hidden_layers fails on a missing tensor, not an allocation.
        List<Layer> loaded = new ArrayList<>();
        for (int i = 0; i < c.layers(); i++) {
            String l = p + "layers." + i + ".";
            String a = l + "self_attn.";
            String m = l + "mlp.";
            loaded.add(new Layer(
                    new Norm.Rms(t.floats(l + "input_layernorm.weight", d), eps),
                    Linear.stored(WeightStack.of(t.matrix(a + "q_proj.weight", q, d), t.matrix(a + "k_proj.weight", kv, d),
                                    t.matrix(a + "v_proj.weight", kv, d)),
                            c.qkvBias() ? Rows.concat(t.floats(a + "q_proj.bias", q), t.floats(a + "k_proj.bias", kv),
                                    t.floats(a + "v_proj.bias", kv)) : null),
                    Linear.stored(WeightStack.of(t.matrix(a + "o_proj.weight", d, q)), c.oBias() ? t.floats(a + "o_proj.bias", d) : null),
                    new Norm.Rms(t.floats(l + "post_attention_layernorm.weight", d), eps),
                    Linear.stored(WeightStack.of(t.matrix(m + "gate_proj.weight", inter, d), t.matrix(m + "up_proj.weight", inter, d)),
                            c.mlpBias() ? Rows.concat(t.floats(m + "gate_proj.bias", inter), t.floats(m + "up_proj.bias", inter)) : null),
                    Linear.stored(WeightStack.of(t.matrix(m + "down_proj.weight", d, inter)),
                            c.mlpBias() ? t.floats(m + "down_proj.bias", d) : null)));
        }
        return new DecoderWeights(embeddings, Linear.stored(WeightStack.of(head), null),
                new Norm.Rms(t.floats(p + "norm.weight", d), eps), loaded.toArray(new Layer[0]), null);
    }

    /** Bytes of every weight matrix (the embeddings once when tied), what one decoded token reads at most. */
    long matrixBytes() {
        long sum = head.weights().bytes();
        for (Layer l : layers) {
            sum += l.qkv().weights().bytes() + l.o().weights().bytes() + l.gateUp().weights().bytes() + l.down().weights().bytes();
        }
        return sum;
    }

    /** The checkpoint with the config its shapes come from, so messages name both, and the format asked for. */
    private record Loader(Checkpoint ckpt, Path config, WeightFormat format) {
        float[] floats(String name, long... shape) {
            return ckpt.floats(name, config, shape);
        }

        WeightMatrix matrix(String name, int rows, int cols) {
            TensorData t = ckpt.stored(name, config, rows, cols);
            WeightFormat stored = switch (t.dtype()) {
                case F32 -> WeightFormat.F32;
                case F16 -> WeightFormat.F16;
                case BF16 -> WeightFormat.BF16;
                default -> throw new BadInputException(ckpt.file(name) + ": tensor '" + name + "' has dtype " + t.dtype()
                        + " (F32, F16 or BF16 weights)");
            };
            WeightMatrix w = WeightMatrix.of(stored, rows, cols, t.segment());
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
