package io.glimpse.lm;

import io.glimpse.io.JsonFiles;
import com.fasterxml.jackson.databind.JsonNode;
import io.glimpse.io.BadInputException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The fields of a Qwen2 or Llama config.json that the forward pass needs (transformers {@code Qwen2Config}, {@code LlamaConfig}). A
 * LLaVA-family config nests them under {@code text_config}; that object is read when present.
 *
 * @param tieWordEmbeddings as declared; loading follows the file (lm_head.weight when present, else the embeddings)
 * @param qkvBias  q/k/v projections carry biases (always for Qwen2, {@code attention_bias} for Llama)
 * @param oBias    o_proj carries a bias (never for Qwen2, {@code attention_bias} for Llama)
 * @param mlpBias  gate/up/down projections carry biases (Llama {@code mlp_bias})
 * @param ropeScaling null, or the llama3 frequency scaling
 * @param context  {@code max_position_embeddings}: the most tokens (prompt and answer) the model was made for
 */
public record DecoderConfig(String modelType, int vocabSize, int hiddenSize, int intermediateSize, int layers, int heads,
                            int kvHeads, int headDim, float rmsNormEps, double ropeTheta, Llama3Scaling ropeScaling,
                            boolean tieWordEmbeddings, boolean qkvBias, boolean oBias, boolean mlpBias, int context) {

    /**
     * Llama-3.1 RoPE frequency scaling ({@code rope_type: "llama3"}).
     *
     * @param originalContext {@code original_max_position_embeddings}
     */
    public record Llama3Scaling(double factor, double lowFreqFactor, double highFreqFactor, double originalContext) {
    }


    public DecoderConfig {
        positive("vocab_size", vocabSize);
        positive("hidden_size", hiddenSize);
        positive("intermediate_size", intermediateSize);
        positive("num_hidden_layers", layers);
        positive("num_attention_heads", heads);
        positive("num_key_value_heads", kvHeads);
        positive("head_dim", headDim);
        positive("max_position_embeddings", context);
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException("num_attention_heads " + heads + " is not a multiple of num_key_value_heads " + kvHeads);
        }
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("head_dim " + headDim + " must be even for rotary embeddings");
        }
        if (!(rmsNormEps > 0) || !(ropeTheta > 1) || Double.isInfinite(ropeTheta)) {
            throw new IllegalArgumentException("rms_norm_eps " + rmsNormEps + " and rope_theta " + ropeTheta + " must be positive and finite (theta > 1)");
        }
    }

    private static void positive(String name, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + v);
        }
    }

    /** Reads {@code file} (a config.json); a missing field or unsupported model is a BadInputException naming the file. */
    public static DecoderConfig read(Path file) throws IOException {
        return of(JsonFiles.readObject(file), file);
    }

    /** The decoder fields of a config.json object read from {@code file}; problems are BadInputExceptions naming it. */
    public static DecoderConfig of(JsonNode root, Path file) {
        try {
            return parse(root.has("text_config") ? root.get("text_config") : root);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(file + ": " + e.getMessage(), e);
        }
    }

    /** Parses the decoder fields of a config object; problems are IllegalArgumentExceptions naming the field. */
    public static DecoderConfig parse(JsonNode c) {
        String type = c.path("model_type").asText("").toLowerCase(Locale.ROOT);
        boolean qwen = type.equals("qwen2");
        if (!qwen && !type.equals("llama")) {
            throw new IllegalArgumentException("model_type '" + type + "' is not a supported decoder (qwen2, llama)");
        }
        // Fields left out take transformers' Qwen2Config / LlamaConfig defaults: llava-1.5's text_config lists only
        // what differs from LlamaConfig (vocab_size, rms_norm_eps), not the 7B shape.
        int hidden = intField(c, "hidden_size", 4096);
        int heads = intField(c, "num_attention_heads", 32);
        positive("num_attention_heads", heads);
        int kvHeads = intField(c, "num_key_value_heads", heads);
        int headDim = intField(c, "head_dim", hidden / heads);
        JsonNode ropeParams = c.path("rope_parameters");
        double theta = c.hasNonNull("rope_theta") ? c.get("rope_theta").asDouble()
                : ropeParams.hasNonNull("rope_theta") ? ropeParams.get("rope_theta").asDouble() : 10000.0;
        JsonNode scaling = c.hasNonNull("rope_scaling") ? c.get("rope_scaling") : ropeParams;
        boolean attentionBias = c.path("attention_bias").asBoolean(false);
        return new DecoderConfig(type, intField(c, "vocab_size", qwen ? 151936 : 32000), hidden,
                intField(c, "intermediate_size", qwen ? 22016 : 11008), intField(c, "num_hidden_layers", 32), heads, kvHeads, headDim,
                (float) c.path("rms_norm_eps").asDouble(1e-6), theta, scaling(scaling),
                c.path("tie_word_embeddings").asBoolean(false),
                qwen || attentionBias, !qwen && attentionBias, !qwen && c.path("mlp_bias").asBoolean(false),
                intField(c, "max_position_embeddings", qwen ? 32768 : 2048));
    }

    private static Llama3Scaling scaling(JsonNode s) {
        if (s.isMissingNode() || s.isNull()) {
            return null;
        }
        String type = s.path("rope_type").asText(s.path("type").asText("default"));
        return switch (type) {
            case "default" -> null;
            case "llama3" -> new Llama3Scaling(number(s, "factor"), number(s, "low_freq_factor"),
                    number(s, "high_freq_factor"), number(s, "original_max_position_embeddings"));
            default -> throw new IllegalArgumentException("rope_scaling type '" + type + "' is not supported (default, llama3)");
        };
    }

    private static int intField(JsonNode c, String name, int absent) {
        JsonNode v = c.get(name);
        if (v == null || v.isNull()) {
            return absent;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new IllegalArgumentException("field '" + name + "' is not an integer: " + v);
        }
        return v.asInt();
    }

    private static double number(JsonNode c, String name) {
        JsonNode v = c.get(name);
        if (v == null || !v.isNumber() || !(v.asDouble() > 0)) {
            throw new IllegalArgumentException("rope_scaling field '" + name + "' is missing or not a positive number");
        }
        return v.asDouble();
    }

    /** Query heads that share one key/value head. */
    public int groupSize() {
        return heads / kvHeads;
    }
}
