package io.glimpse.lm;

import io.glimpse.io.BadInputException;
import io.glimpse.io.Checkpoint;
import io.glimpse.nn.Linear;
import io.glimpse.nn.Norm;
import io.glimpse.nn.Rows;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The weights of a Qwen2 or Llama decoder as its forward pass uses them: q, k and v fused into one projection, gate
 * and up into another, every matrix a {@link Linear} that streams one or two rows (decoding) and multiplies more
 * through the GEMM (prefill). Tensor names may carry any of the prefixes {@code model.}, {@code language_model.model.}
 * or {@code model.language_model.} (transformers' LlamaForCausalLM, LlavaForConditionalGeneration before and after
 * its 4.52 renaming); lm_head.weight is used when present, else the embeddings (tied).
 *
 * @param embeddings token embeddings [vocab × hidden]
 */
record DecoderWeights(float[] embeddings, Linear head, Norm finalNorm, Layer[] layers) {
    /** Prefix of the decoder's tensors and the name of its head, by checkpoint layout. */
    private static final List<String[]> LAYOUTS = List.of(
            new String[] {"model.", "lm_head.weight"},
            new String[] {"language_model.model.", "language_model.lm_head.weight"},
            new String[] {"model.language_model.", "lm_head.weight"});

    /** One pre-norm block: RMSNorm, attention projections, RMSNorm, SwiGLU MLP. */
    record Layer(Norm inputNorm, Linear qkv, Linear o, Norm postNorm, Linear gateUp, Linear down) {
    }

    /** The decoder's tensors of {@code ckpt}, shaped by {@code c}; missing or misshapen ones name {@code configFile}. */
    static DecoderWeights load(DecoderConfig c, Checkpoint ckpt, Path configFile) {
        String[] layout = LAYOUTS.stream().filter(l -> ckpt.has(l[0] + "embed_tokens.weight")).findFirst()
                .orElseThrow(() -> new BadInputException(ckpt.anyFile() + ": no decoder embeddings (looked for "
                        + LAYOUTS.stream().map(l -> l[0] + "embed_tokens.weight").toList() + ")"));
        String p = layout[0];
        int d = c.hiddenSize();
        int q = c.heads() * c.headDim();
        int kv = c.kvHeads() * c.headDim();
        int inter = c.intermediateSize();
        float eps = c.rmsNormEps();
        Loader t = new Loader(ckpt, configFile);
        float[] embeddings = t.floats(p + "embed_tokens.weight", c.vocabSize(), d);
        float[] head = ckpt.has(layout[1]) ? t.floats(layout[1], c.vocabSize(), d) : embeddings;
        // Grown one loaded layer at a time, so an absurd num_hidden_layers fails on a missing tensor, not an allocation.
        List<Layer> loaded = new ArrayList<>();
        for (int i = 0; i < c.layers(); i++) {
            String l = p + "layers." + i + ".";
            String a = l + "self_attn.";
            String m = l + "mlp.";
            loaded.add(new Layer(
                    new Norm.Rms(t.floats(l + "input_layernorm.weight", d), eps),
                    Linear.streamed(Rows.concat(t.floats(a + "q_proj.weight", q, d), t.floats(a + "k_proj.weight", kv, d),
                            t.floats(a + "v_proj.weight", kv, d)), q + 2 * kv, d,
                            c.qkvBias() ? Rows.concat(t.floats(a + "q_proj.bias", q), t.floats(a + "k_proj.bias", kv),
                                    t.floats(a + "v_proj.bias", kv)) : null),
                    Linear.streamed(t.floats(a + "o_proj.weight", d, q), d, q, c.oBias() ? t.floats(a + "o_proj.bias", d) : null),
                    new Norm.Rms(t.floats(l + "post_attention_layernorm.weight", d), eps),
                    Linear.streamed(Rows.concat(t.floats(m + "gate_proj.weight", inter, d), t.floats(m + "up_proj.weight", inter, d)),
                            2 * inter, d, c.mlpBias() ? Rows.concat(t.floats(m + "gate_proj.bias", inter), t.floats(m + "up_proj.bias", inter)) : null),
                    Linear.streamed(t.floats(m + "down_proj.weight", d, inter), d, inter,
                            c.mlpBias() ? t.floats(m + "down_proj.bias", d) : null)));
        }
        return new DecoderWeights(embeddings, Linear.streamed(head, c.vocabSize(), d, null),
                new Norm.Rms(t.floats(p + "norm.weight", d), eps), loaded.toArray(new Layer[0]));
    }

    /** The checkpoint with the config its shapes come from, so messages name both. */
    private record Loader(Checkpoint ckpt, Path config) {
        float[] floats(String name, long... shape) {
            return ckpt.floats(name, config, shape);
        }
    }
}
