package io.glimpse.clip;

import io.glimpse.io.JsonFiles;
import io.glimpse.io.Checkpoint;
import com.fasterxml.jackson.databind.JsonNode;
import io.glimpse.io.BadInputException;
import io.glimpse.nn.Activation;
import io.glimpse.vision.ConfigFields;
import io.glimpse.vision.EncoderLayer;
import io.glimpse.nn.Norm;
import io.glimpse.vision.TensorLoader;
import io.glimpse.vision.Transformer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The text transformer of CLIP or SigLIP (transformers CLIPTextTransformer / SiglipTextTransformer): token plus
 * position embeddings, pre-norm layers with the configured activation, final layer norm. CLIP's attention is causal
 * and it pools the state at the first end-of-text token (at the largest id when {@code eos_token_id} is the legacy
 * 2); SigLIP's is bidirectional and it pools the last position through a linear {@code head}. Reads
 * {@code text_config} of a CLIPModel / SiglipModel config.json (or a flat text-model config) and the tensors under
 * {@code text_model.}.
 */
public final class TextTower {
    private static final int LEGACY_EOS = 2;

    private final int vocab;
    private final int maxPositions;
    private final int d;
    private final int eos;
    private final int pad;
    private final float[] tokenEmb;
    private final float[] posEmb;
    private final EncoderLayer[] layers;
    private final float[] finalLnW;
    private final float[] finalLnB;
    private final double eps;
    private final Transformer transformer;
    private final boolean siglip;
    private final float[] headW;
    private final float[] headB;
    private final int projection;

    /**
     * @param hiddenStates    embeddings and the output of every layer, tokens×dim each (no final layer norm)
     * @param lastHiddenState the final layer's output after final_layer_norm
     * @param pooled          CLIP: the row of lastHiddenState at the end-of-text token; SigLIP: head(last row)
     */
    public record Output(int tokens, int dim, List<float[]> hiddenStates, float[] lastHiddenState, float[] pooled) {
    }

    private TextTower(JsonNode cfg, boolean siglip, Path configFile, Checkpoint ckpt) {
        this.siglip = siglip;
        ConfigFields f = new ConfigFields(cfg, configFile);
        vocab = f.positive("vocab_size", siglip ? 32000 : 49408);
        d = f.positive("hidden_size", siglip ? 768 : 512);
        int inter = f.positive("intermediate_size", siglip ? 3072 : 2048);
        int nLayers = f.positive("num_hidden_layers", 12);
        int heads = f.positive("num_attention_heads", siglip ? 12 : 8);
        maxPositions = f.positive("max_position_embeddings", siglip ? 64 : 77);
        projection = f.positive("projection_size", d);
        eos = cfg.path("eos_token_id").asInt(LEGACY_EOS);
        pad = cfg.path("pad_token_id").asInt(1);
        String actName = cfg.path("hidden_act").asText(siglip ? "gelu_pytorch_tanh" : "quick_gelu");
        Activation act = Activation.byName(actName);
        if (act == null) {
            throw new BadInputException(configFile + ": text_config hidden_act '" + actName + "' is not supported (known: "
                    + Activation.knownNames() + ")");
        }
        if (d % heads != 0) {
            throw new BadInputException(configFile + ": text hidden_size " + d + " is not divisible by num_attention_heads " + heads);
        }
        eps = cfg.path("layer_norm_eps").asDouble(siglip ? 1e-6 : 1e-5);
        String prefix = ckpt.has("text_model.embeddings.token_embedding.weight") ? "text_model." : "";
        TensorLoader l = new TensorLoader(ckpt, configFile, prefix);
        tokenEmb = l.load("embeddings.token_embedding.weight", vocab, d);
        posEmb = l.load("embeddings.position_embedding.weight", maxPositions, d);
        layers = new EncoderLayer[nLayers];
        for (int i = 0; i < nLayers; i++) {
            layers[i] = EncoderLayer.load(l, "encoder.layers." + i + ".", d, inter, eps);
        }
        finalLnW = l.load("final_layer_norm.weight", d);
        finalLnB = l.load("final_layer_norm.bias", d);
        headW = siglip ? l.load("head.weight", projection, d) : null;
        headB = siglip ? l.load("head.bias", projection) : null;
        String under = prefix.isEmpty() ? "encoder." : prefix;
        for (String name : ckpt.tensors().keySet()) {
            if (name.startsWith(under) && !l.used(name) && !name.endsWith("embeddings.position_ids")) {
                throw new BadInputException(ckpt.file(name) + ": unexpected tensor '" + name + "' for a CLIP text tower of "
                        + nLayers + " layers (config " + configFile + ")");
            }
        }
        transformer = new Transformer(d, heads, inter, act);
    }

    /** Loads the text tower of a CLIP checkpoint folder. */
    public static TextTower load(Path dir) throws IOException {
        Path configFile = dir.resolve("config.json");
        return load(Checkpoint.open(dir), JsonFiles.readObject(configFile), configFile);
    }

    /** The text tower of an opened checkpoint whose config.json ({@code root}, read from {@code configFile}) describes it. */
    public static TextTower load(Checkpoint ckpt, JsonNode root, Path configFile) {
        JsonNode cfg = root.has("text_config") ? root.get("text_config")
                : root.has("text_config_dict") ? root.get("text_config_dict") : root;
        String type = cfg.path("model_type").asText(root.path("model_type").asText(""));
        boolean siglip = type.equals("siglip_text_model") || type.equals("siglip");
        if (!siglip && !type.equals("clip_text_model") && !type.equals("clip")) {
            throw new BadInputException(configFile + ": text model_type '" + type
                    + "' is not supported (known: clip_text_model, siglip_text_model)");
        }
        return new TextTower(cfg, siglip, configFile, ckpt);
    }

    /** Width of {@link Output#pooled}: the hidden size for CLIP, the head's projection size for SigLIP. */
    public int pooledDim() {
        return siglip ? projection : d;
    }

    /**
     * Fits a tokenizer's output (special tokens included, so the last id is the end-of-text token) to what the
     * tower was trained on, as HF's truncation=True / max_length does: at most max_position_embeddings ids, the
     * last still the end-of-text token. SigLIP is then padded with {@code pad_token_id} to exactly
     * max_position_embeddings (its processor's padding="max_length"), because it pools the last position; CLIP needs
     * no padding, its attention being causal and its pooling reading the end-of-text position.
     */
    public int[] fitIds(int[] ids) {
        if (ids.length == 0) {
            throw new IllegalArgumentException("no token ids");
        }
        int kept = Math.min(ids.length, maxPositions);
        int[] out = Arrays.copyOf(ids, siglip ? maxPositions : kept);
        out[kept - 1] = ids[ids.length - 1];
        Arrays.fill(out, kept, out.length, pad);
        return out;
    }

    /** Runs the tower on token ids (bos … eos [padding]); at most max_position_embeddings of them. */
    public Output forward(int[] ids) {
        int t = ids.length;
        if (t == 0 || t > maxPositions) {
            throw new IllegalArgumentException(t + " token ids, the tower takes 1.." + maxPositions);
        }
        float[] x = new float[t * d];
        int pool = -1;
        int maxId = -1;
        for (int i = 0; i < t; i++) {
            int id = ids[i];
            if (id < 0 || id >= vocab) {
                throw new IllegalArgumentException("token id " + id + " at position " + i + " is outside [0, " + vocab + ")");
            }
            for (int k = 0; k < d; k++) {
                x[i * d + k] = tokenEmb[id * d + k] + posEmb[i * d + k];
            }
            if (eos == LEGACY_EOS ? id > maxId : (id == eos && pool < 0)) {
                pool = i;
                maxId = Math.max(maxId, id);
            }
        }
        if (siglip) {
            pool = t - 1;
        }
        if (pool < 0) {
            throw new IllegalArgumentException("no end-of-text token " + eos + " among the ids");
        }
        List<float[]> hidden = new ArrayList<>();
        hidden.add(x.clone());
        for (EncoderLayer lw : layers) {
            x = transformer.mlp(lw, transformer.attention(lw, x, t, null, !siglip, null, false).h(), t);
            hidden.add(x.clone());
        }
        new Norm.Layer(finalLnW, finalLnB, eps).apply(x, t, x);
        float[] pooled = Arrays.copyOfRange(x, pool * d, pool * d + d);
        if (siglip) {
            float[] projected = new float[projection];
            for (int o = 0; o < projection; o++) {
                double s = headB[o];
                for (int k = 0; k < d; k++) {
                    s += (double) headW[o * d + k] * pooled[k];
                }
                projected[o] = (float) s;
            }
            pooled = projected;
        }
        return new Output(t, d, hidden, x, pooled);
    }
}
