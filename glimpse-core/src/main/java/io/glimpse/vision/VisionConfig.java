package io.glimpse.vision;

import io.glimpse.nn.Activation;
import io.glimpse.io.JsonFiles;
import com.fasterxml.jackson.databind.JsonNode;
import io.glimpse.io.BadInputException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The vision tower described by a Hugging Face config.json: a CLIP or SigLIP vision config, either at top level
 * (CLIPVisionModel, SiglipVisionModel) or under {@code vision_config} (CLIPModel, SiglipModel, Llava*), with the
 * class defaults of transformers' CLIPVisionConfig / SiglipVisionConfig for absent fields (transformers
 * {@code models/clip/configuration_clip.py}, {@code models/siglip/configuration_siglip.py}) and the VLM's feature choice ({@code vision_feature_layer}, {@code vision_feature_select_strategy}).
 *
 * @param family          CLIP (CLS token, pre-layernorm, bias-free patch conv) or SigLIP (no CLS, conv bias)
 * @param featureLayers   indices into hidden_states (0 = embeddings, num_layers = last layer; negative counts from
 *                        the end) whose rows are concatenated along the feature dimension; [-1] when the config
 *                        names none
 * @param dropCls         true for LLaVA's "default" strategy, which drops the CLS row of the features
 * @param useHead         SigLIP's attention-pooling head is in the checkpoint (used by {@link VisionTower#pooledOutput})
 */
public record VisionConfig(String architecture, Family family, int hiddenSize, int intermediateSize, int layers,
                           int heads, int channels, int imageSize, int patchSize, Activation activation,
                           double layerNormEps, List<Integer> featureLayers, boolean dropCls, boolean useHead) {
    public VisionConfig {
        featureLayers = List.copyOf(featureLayers);
    }


    public enum Family { CLIP, SIGLIP }


    /** Top-level architectures whose config holds a vision_config of a known family. */
    private static final List<String> NESTED = List.of("CLIPModel", "SiglipModel", "LlavaForConditionalGeneration",
            "LlavaNextForConditionalGeneration", "LlavaNextVideoForConditionalGeneration",
            "LlavaOnevisionForConditionalGeneration", "VipLlavaForConditionalGeneration");
    private static final Map<String, Family> FLAT = Map.of("CLIPVisionModel", Family.CLIP,
            "CLIPVisionModelWithProjection", Family.CLIP, "SiglipVisionModel", Family.SIGLIP);
    private static final Map<String, Family> MODEL_TYPES = Map.of("clip_vision_model", Family.CLIP, "clip", Family.CLIP,
            "siglip_vision_model", Family.SIGLIP, "siglip", Family.SIGLIP);

    /**
     * Patches per side. The patch conv (kernel = stride = patch) floors, leaving out the last image % patch pixel
     * rows and columns, as google/siglip-so400m-patch14-384 does (384 = 27·14 + 6).
     */
    public int gridSize() {
        return imageSize / patchSize;
    }

    public int patches() {
        return gridSize() * gridSize();
    }

    public boolean hasCls() {
        return family == Family.CLIP;
    }

    /** Sequence length inside the encoder: patches plus the CLS token where the family has one. */
    public int sequenceLength() {
        return patches() + (hasCls() ? 1 : 0);
    }

    /**
     * Bytes the tower's weights take once loaded (as f32, the form its GEMM is handed), from the shapes alone, so an
     * absurd config can be refused before a tensor is read; Long.MAX_VALUE beyond what a long holds.
     */
    public long weightBytes() {
        double d = hiddenSize;
        double inter = intermediateSize;
        boolean clip = hasCls();
        double perLayer = 4 * d * d + 4 * d + 4 * d + 2 * d * inter + inter + d;
        double floats = d * channels * (double) patchSize * patchSize + (clip ? 0 : d) + (clip ? d : 0)
                + (double) sequenceLength() * d + (clip ? 2 * d : 0) + layers * perLayer + 2 * d
                + (useHead ? d + 4 * d * d + 4 * d + 2 * d + 2 * d * inter + inter + d : 0);
        double bytes = 4 * floats;
        return bytes >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) bytes;
    }

    public int headDim() {
        return hiddenSize / heads;
    }

    public static VisionConfig read(Path file) throws IOException {
        JsonNode root = JsonFiles.readObject(file);
        return parse(root, file);
    }

    /** The vision fields of a config.json object read from {@code file} (named in errors). */
    public static VisionConfig parse(JsonNode root, Path file) {
        JsonNode archs = root.get("architectures");
        String arch = archs != null && archs.isArray() && archs.size() > 0 ? archs.get(0).asText()
                : root.path("model_type").asText("");
        // Configs saved by older transformers may hold the nested config only as vision_config_dict.
        JsonNode nested = root.has("vision_config") ? root.get("vision_config") : root.get("vision_config_dict");
        JsonNode vision;
        if (FLAT.containsKey(arch) || (nested == null && MODEL_TYPES.containsKey(root.path("model_type").asText()))) {
            vision = root;
        } else if (NESTED.contains(arch) || nested != null) {
            vision = nested;
            if (vision == null || !vision.isObject()) {
                throw new BadInputException(file + ": architecture '" + arch + "' has no vision_config object");
            }
        } else {
            throw new BadInputException(file + ": unknown architecture '" + arch + "' (known: " + FLAT.keySet() + ", " + NESTED + ")");
        }
        String type = vision.path("model_type").asText("");
        Family family = MODEL_TYPES.get(type);
        if (family == null && vision != root) {
            family = MODEL_TYPES.get(root.path("model_type").asText(""));
        }
        if (family == null) {
            family = FLAT.get(arch);
        }
        if (family == null) {
            throw new BadInputException(file + ": unknown vision model_type '" + type + "' for architecture '" + arch
                    + "' (known: " + MODEL_TYPES.keySet() + ")");
        }
        boolean clip = family == Family.CLIP;
        ConfigFields f = new ConfigFields(vision, file);
        int hidden = f.positive("hidden_size", 768);
        int inter = f.positive("intermediate_size", 3072);
        int layers = f.positive("num_hidden_layers", 12);
        int heads = f.positive("num_attention_heads", 12);
        int channels = f.positive("num_channels", 3);
        int image = f.positive("image_size", 224);
        int patch = f.positive("patch_size", clip ? 32 : 16);
        String actName = vision.path("hidden_act").asText(clip ? "quick_gelu" : "gelu_pytorch_tanh");
        Activation act = Activation.byName(actName);
        if (act == null) {
            throw new BadInputException(file + ": hidden_act '" + actName + "' is not supported (known: "
                    + Activation.knownNames() + ")");
        }
        JsonNode epsNode = vision.get("layer_norm_eps");
        double eps = epsNode == null ? (clip ? 1e-5 : 1e-6) : epsNode.asDouble(Double.NaN);
        if (!(eps > 0) || !Double.isFinite(eps)) {
            throw new BadInputException(file + ": layer_norm_eps must be a positive number, got " + epsNode);
        }
        if (hidden % heads != 0) {
            throw new BadInputException(file + ": hidden_size " + hidden + " is not divisible by num_attention_heads " + heads);
        }
        if (image < patch) {
            throw new BadInputException(file + ": image_size " + image + " is smaller than patch_size " + patch);
        }
        if (image > ImageProcessor.MAX_SIDE) {
            throw new BadInputException(file + ": image_size " + image + " is above the largest supported side "
                    + ImageProcessor.MAX_SIDE);
        }
        if (channels != 3) {
            throw new BadInputException(file + ": num_channels " + channels + " is not supported (RGB only)");
        }
        JsonNode fl = root.get("vision_feature_layer");
        List<Integer> featureLayers = new ArrayList<>();
        if (fl == null) {
            featureLayers.add(-1);
        } else {
            for (JsonNode v : fl.isArray() ? fl : List.of(fl)) {
                if (!v.isInt()) {
                    throw new BadInputException(file + ": vision_feature_layer " + fl + " is not an integer or a list of integers");
                }
                int layer = v.asInt();
                if (layer > layers || layer < -(layers + 1)) {
                    throw new BadInputException(file + ": vision_feature_layer " + layer + " is outside [-"
                            + (layers + 1) + ", " + layers + "] for " + layers + " layers");
                }
                featureLayers.add(layer);
            }
            if (featureLayers.isEmpty()) {
                throw new BadInputException(file + ": vision_feature_layer is an empty list");
            }
        }
        String strategy = root.path("vision_feature_select_strategy").asText("default");
        if (!strategy.equals("default") && !strategy.equals("full")) {
            throw new BadInputException(file + ": vision_feature_select_strategy '" + strategy + "' is not 'default' or 'full'");
        }
        boolean dropCls = clip && strategy.equals("default");
        boolean useHead = !clip && vision.path("vision_use_head").asBoolean(true);
        return new VisionConfig(arch, family, hidden, inter, layers, heads, channels, image, patch, act, eps,
                featureLayers, dropCls, useHead);
    }
}
