package io.glimpse.vision;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.glimpse.io.BadInputException;
import io.glimpse.io.GgufFile;
import io.glimpse.io.GgufTensor;
import io.glimpse.io.MappedFile;
import io.glimpse.nn.Activation;
import io.glimpse.tensor.WeightFormat;
import io.glimpse.tensor.WeightMatrix;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The vision tower of a llama.cpp mmproj GGUF file ({@code general.architecture = clip}), in the keys and tensor names of
 * llama.cpp's {@code tools/mtmd/clip-impl.h} as its converters write them ({@code convert_hf_to_gguf.py --mmproj},
 * {@code tools/mtmd/legacy-models/convert_image_encoder_to_gguf.py}): {@code clip.vision.embedding_length},
 * {@code .feed_forward_length}, {@code .block_count}, {@code .attention.head_count}, {@code .attention.layer_norm_epsilon},
 * {@code .image_size}, {@code .patch_size}, {@code .image_mean}/{@code .image_std}, {@code .feature_layer}; tensors
 * {@code v.patch_embd}, {@code v.class_embd}, {@code v.position_embd}, {@code v.pre_ln}, {@code v.blk.N.{ln1, attn_q,
 * attn_k, attn_v, attn_out, ln2, ffn_up, ffn_down}}, {@code v.post_ln}. A class embedding makes the tower CLIP, its
 * absence SigLIP.
 *
 * <p>Departures and readings of clip.cpp: the feature layer is clip.cpp's for a LLaVA projector (the deepest
 * {@code feature_layer}, hidden-state indices, else {@code block_count − 1}); the legacy converter names
 * {@code mlp.fc1} {@code ffn_down}, and as clip.cpp does the pair is swapped back when {@code ffn_down}'s input width is
 * the embedding width. The FFN activation follows {@code clip.use_gelu} (ggml's tanh GELU) or {@code clip.use_silu},
 * else quick GELU. The image processor is the Hugging Face one of the family (LLaVA's pad-to-square, shortest-edge
 * resize and centre crop with the file's mean and std for CLIP; SigLIP's square resize), so a GGUF tower sees the
 * pixels the safetensors path gives its tower.
 */
public final class GgufVision implements VisionTensors {
    private static final Pattern LAYER = Pattern.compile("encoder\\.layers\\.(\\d+)\\.(.+)");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String V = "clip.vision.";

    private final GgufFile g;
    private final int hidden;
    private final Set<String> used = new HashSet<>();

    private GgufVision(GgufFile g, int hidden) {
        this.g = g;
        this.hidden = hidden;
    }

    /** The tower the file's metadata describes; a file of another architecture or without a vision encoder is bad input. */
    public static VisionConfig config(GgufFile g) {
        String arch = g.string("general.architecture");
        if (!arch.equals("clip")) {
            throw new BadInputException(g.file() + ": general.architecture '" + arch + "' is not clip (not an mmproj file)");
        }
        if (!g.bool("clip.has_vision_encoder", true)) {
            throw new BadInputException(g.file() + ": clip.has_vision_encoder is false (no vision tower)");
        }
        boolean clip = g.has("v.class_embd");
        int hidden = positive(g, V + "embedding_length");
        int inter = positive(g, V + "feed_forward_length");
        int layers = positive(g, V + "block_count");
        int heads = positive(g, V + "attention.head_count");
        int image = positive(g, V + "image_size");
        int patch = positive(g, V + "patch_size");
        if (g.integer(V + "attention.head_count_kv", heads) != heads) {
            throw new BadInputException(g.file() + ": " + V + "attention.head_count_kv differs from head_count (not supported)");
        }
        if (hidden % heads != 0 || g.integer(V + "attention.head_dim", hidden / heads) != hidden / heads) {
            throw new BadInputException(g.file() + ": " + V + "embedding_length " + hidden + " is not head_count " + heads
                    + " heads of " + V + "attention.head_dim");
        }
        if (image < patch || image > ImageProcessor.MAX_SIDE) {
            throw new BadInputException(g.file() + ": " + V + "image_size " + image + " is not in [patch_size " + patch + ", "
                    + ImageProcessor.MAX_SIDE + "]");
        }
        double eps = g.number(V + "attention.layer_norm_epsilon");
        if (!(eps > 0) || !Double.isFinite(eps)) {
            throw new BadInputException(g.file() + ": " + V + "attention.layer_norm_epsilon " + eps + " is not a positive number");
        }
        boolean gelu = g.bool("clip.use_gelu", false);
        if (g.bool("clip.use_silu", false)) {
            throw new BadInputException(g.file() + ": clip.use_silu is not supported (CLIP and SigLIP towers use GELU)");
        }
        Activation act = gelu ? Activation.GELU_TANH : Activation.QUICK_GELU;
        List<Integer> feature = new ArrayList<>();
        if (g.value(V + "feature_layer").isPresent()) {
            for (int f : g.ints(V + "feature_layer")) {
                if (f < 0 || f > layers) {
                    throw new BadInputException(g.file() + ": " + V + "feature_layer " + f + " is outside [0, block_count "
                            + layers + "]");
                }
                feature.add(f);
            }
        }
        if (feature.isEmpty()) {
            feature.add(layers - 1);
        }
        return new VisionConfig("mmproj", clip ? VisionConfig.Family.CLIP : VisionConfig.Family.SIGLIP, hidden, inter, layers,
                heads, 3, image, patch, act, eps, feature, clip, false);
    }

    /** The tower's weights in {@code g}; tensors under {@code v.} that a tower of {@code cfg} does not read are bad input. */
    static VisionWeights weights(VisionConfig cfg, GgufFile g) {
        GgufVision source = new GgufVision(g, cfg.hiddenSize());
        VisionWeights w = new VisionWeights(cfg, source, "v.");
        for (String name : g.tensors().keySet()) {
            if (name.startsWith("v.") && !source.used.contains(name) && !name.equals("v.image_newline")) {
                throw new BadInputException(g.file() + ": unexpected tensor '" + name + "' for a " + cfg.family()
                        + " vision tower of " + cfg.layers() + " blocks");
            }
        }
        return w;
    }

    /**
     * The Hugging Face processor of the tower's family at the file's image size, mean and std: LLaVA-1.5's for CLIP,
     * LLaVA-OneVision's per-crop resize for SigLIP with {@code anyres}, SigLIP's otherwise.
     */
    public static ImageProcessor processor(GgufFile g, VisionConfig cfg, boolean anyres) {
        int s = cfg.imageSize();
        ObjectNode p = JSON.createObjectNode();
        if (cfg.hasCls()) {
            p.put("image_processor_type", "LlavaImageProcessor").put("do_pad", true);
            p.putObject("size").put("shortest_edge", s);
            p.putObject("crop_size").put("height", s).put("width", s);
        } else {
            p.put("image_processor_type", anyres ? "LlavaOnevisionImageProcessor" : "SiglipImageProcessor");
            p.putObject("size").put("height", s).put("width", s);
        }
        for (String key : List.of("image_mean", "image_std")) {
            double[] v = g.numbers(V + key);
            if (v.length != 3) {
                throw new BadInputException(g.file() + ": " + V + key + " has " + v.length + " values, expected 3");
            }
            Arrays.stream(v).forEach(p.putArray(key)::add);
        }
        return ImageProcessor.parse(p, g.file());
    }

    @Override
    public float[] load(String shortName, long... shape) {
        GgufTensor t = tensor(shortName, shape);
        float[] v = floats(g, t);
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                throw new BadInputException(g.file() + ": tensor '" + t.name() + "' holds " + v[i] + " at element " + i);
            }
        }
        return v;
    }

    /** The mmproj's tensor as a view of its mapped bytes, in its stored type (its values are not checked for NaN). */
    @Override
    public WeightMatrix matrix(String shortName, int rows, int cols) {
        return matrix(g, tensor(shortName, rows, cols));
    }

    /** A two-dimensional tensor of {@code g} (shape checked by the caller) as a view of its mapped bytes, in its stored type. */
    public static WeightMatrix matrix(GgufFile g, GgufTensor t) {
        long[] shape = t.shape();
        if (shape.length != 2) {
            throw new IllegalArgumentException("tensor '" + t.name() + "' is not a matrix: " + Arrays.toString(shape));
        }
        return WeightMatrix.of(format(g, t), (int) shape[0], (int) shape[1], t.data());
    }

    /** The tensor transformers names {@code shortName}, marked as read, checked against {@code shape}. */
    private GgufTensor tensor(String shortName, long... shape) {
        String name = ggufName(shortName);
        used.add(name);
        GgufTensor t = g.tensor(name);
        if (!Arrays.equals(t.shape(), shape)) {
            throw new BadInputException(g.file() + ": tensor '" + name + "' has shape " + Arrays.toString(t.shape())
                    + " but the metadata implies " + Arrays.toString(shape));
        }
        return t;
    }

    @Override
    public boolean has(String shortName) {
        return g.has(ggufName(shortName));
    }

    @Override
    public Object input() {
        return g.file();
    }

    /** A tensor of any type GGUF weights are read in, dequantized to floats; its mapped pages are given back. */
    public static float[] floats(GgufFile g, GgufTensor t) {
        WeightFormat f = format(g, t);
        long cols = t.dims()[0];
        long rows = t.elements() / cols;
        if (rows > Integer.MAX_VALUE || cols > Integer.MAX_VALUE || t.elements() > Integer.MAX_VALUE - 8) {
            throw new BadInputException(g.file() + ": tensor '" + t.name() + "' of " + t.elements() + " elements is too large");
        }
        float[] values = WeightMatrix.of(f, (int) rows, (int) cols, t.data()).toFloats();
        MappedFile.release(t.data());
        return values;
    }

    private static WeightFormat format(GgufFile g, GgufTensor t) {
        WeightFormat f = WeightFormat.parse(t.type().name());
        if (f == null) {
            throw new BadInputException(g.file() + ": tensor '" + t.name() + "' is " + t.type() + ", not a supported type "
                    + Arrays.toString(WeightFormat.values()));
        }
        return f;
    }

    /** The GGUF name of a tensor that transformers names {@code vision_model.<shortName>}. */
    private String ggufName(String shortName) {
        return switch (shortName) {
            case "embeddings.patch_embedding.weight" -> "v.patch_embd.weight";
            case "embeddings.patch_embedding.bias" -> "v.patch_embd.bias";
            case "embeddings.class_embedding" -> "v.class_embd";
            case "embeddings.position_embedding.weight" -> "v.position_embd.weight";
            case "pre_layrnorm.weight", "pre_layrnorm.bias" -> "v.pre_ln." + suffix(shortName);
            case "post_layernorm.weight", "post_layernorm.bias" -> "v.post_ln." + suffix(shortName);
            default -> layerName(shortName);
        };
    }

    private String layerName(String shortName) {
        Matcher m = LAYER.matcher(shortName);
        if (!m.matches()) {
            throw new IllegalArgumentException("no mmproj name for vision tensor '" + shortName + "'");
        }
        String b = "v.blk." + m.group(1) + ".";
        String rest = m.group(2);
        String kind = suffix(rest);
        String part = rest.substring(0, rest.length() - kind.length() - 1);
        String up = swapped(b) ? "ffn_down" : "ffn_up";
        String down = swapped(b) ? "ffn_up" : "ffn_down";
        return b + switch (part) {
            case "layer_norm1" -> "ln1";
            case "layer_norm2" -> "ln2";
            case "self_attn.q_proj" -> "attn_q";
            case "self_attn.k_proj" -> "attn_k";
            case "self_attn.v_proj" -> "attn_v";
            case "self_attn.out_proj" -> "attn_out";
            case "mlp.fc1" -> up;
            case "mlp.fc2" -> down;
            default -> throw new IllegalArgumentException("no mmproj name for vision tensor '" + shortName + "'");
        } + "." + kind;
    }

    /** clip.cpp's test for the legacy converter's names: ffn_down taking the embedding width is really fc1. */
    private boolean swapped(String block) {
        String down = block + "ffn_down.weight";
        return g.has(down) && g.tensor(down).dims()[0] == hidden;
    }

    private static String suffix(String name) {
        return name.substring(name.lastIndexOf('.') + 1);
    }

    private static int positive(GgufFile g, String key) {
        long v = g.integer(key);
        if (v <= 0 || v > Integer.MAX_VALUE) {
            throw new BadInputException(g.file() + ": " + key + " = " + v + " is not a positive int");
        }
        return (int) v;
    }
}
