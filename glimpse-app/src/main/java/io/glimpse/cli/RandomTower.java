package io.glimpse.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.glimpse.io.DType;
import io.glimpse.io.HalfFloats;
import io.glimpse.io.SafeTensors;
import io.glimpse.io.TensorData;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * A CLIP or SigLIP vision tower of a given shape with random weights, written as a Hugging Face checkpoint folder
 * (config.json, model.safetensors, preprocessor_config.json) so benchmarks load it through the same path as a real
 * download. Linear weights are uniform with the standard deviation 0.02 of HF's initializer, layernorms are identity,
 * biases zero; every tensor's values come from its own stream seeded by (seed, name), so a folder is reproducible.
 *
 * @param clip         CLIP layout (CLS, pre-layernorm, bias-free patch conv) or SigLIP (no CLS, conv bias, no head)
 * @param activation   HF {@code hidden_act} name
 */
record RandomTower(String name, boolean clip, int hidden, int layers, int heads, int mlp, int image, int patch,
                   String activation) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final float STD = 0.02f;

    int tokens() {
        int g = image / patch;
        return g * g + (clip ? 1 : 0);
    }

    /**
     * Multiply-adds ×2 of one full forward through every layer: patch embedding, q/k/v and output projections,
     * QKᵀ and AV over all heads, and the two MLP matrices.
     */
    long flops() {
        long n = (long) (image / patch) * (image / patch);
        long t = tokens();
        long d = hidden;
        long embed = 2 * n * d * 3L * patch * patch;
        long perLayer = 2 * t * d * 3 * d + 2 * t * d * d + 2 * 2 * t * t * d + 2 * 2 * t * d * mlp;
        return embed + layers * perLayer;
    }

    /** This tower's folder under {@code cache}, written first if absent (into a partial folder renamed when complete). */
    Path materialize(Path cache, DType dtype, long seed) throws IOException {
        Path dir = cache.resolve(String.format(Locale.ROOT, "%s-%s-seed%d", name, dtype.name().toLowerCase(Locale.ROOT), seed));
        if (Files.isRegularFile(dir.resolve("model.safetensors")) && Files.isRegularFile(dir.resolve("config.json"))) {
            return dir;
        }
        Files.createDirectories(cache);
        Path partial = cache.resolve(".partial-" + dir.getFileName());
        deleteTree(partial);
        Files.createDirectories(partial);
        SafeTensors.write(partial.resolve("model.safetensors"), tensors(dtype, seed), Map.of("format", "pt"));
        Files.writeString(partial.resolve("preprocessor_config.json"), preprocessorJson());
        Files.writeString(partial.resolve("config.json"), configJson(dtype));
        deleteTree(dir);
        Files.move(partial, dir, StandardCopyOption.ATOMIC_MOVE);
        return dir;
    }

    private List<TensorData> tensors(DType dtype, long seed) {
        int d = hidden;
        List<TensorData> out = new ArrayList<>();
        String p = "vision_model.";
        out.add(random(p + "embeddings.patch_embedding.weight", dtype, seed, d, 3, patch, patch));
        if (clip) {
            out.add(random(p + "embeddings.class_embedding", dtype, seed, d));
        } else {
            out.add(constant(p + "embeddings.patch_embedding.bias", dtype, 0f, d));
        }
        out.add(random(p + "embeddings.position_embedding.weight", dtype, seed, tokens(), d));
        if (clip) {
            out.add(constant(p + "pre_layrnorm.weight", dtype, 1f, d));
            out.add(constant(p + "pre_layrnorm.bias", dtype, 0f, d));
        }
        for (int l = 0; l < layers; l++) {
            String q = p + "encoder.layers." + l + ".";
            for (String ln : new String[]{"layer_norm1", "layer_norm2"}) {
                out.add(constant(q + ln + ".weight", dtype, 1f, d));
                out.add(constant(q + ln + ".bias", dtype, 0f, d));
            }
            for (String proj : new String[]{"q_proj", "k_proj", "v_proj", "out_proj"}) {
                out.add(random(q + "self_attn." + proj + ".weight", dtype, seed, d, d));
                out.add(constant(q + "self_attn." + proj + ".bias", dtype, 0f, d));
            }
            out.add(random(q + "mlp.fc1.weight", dtype, seed, mlp, d));
            out.add(constant(q + "mlp.fc1.bias", dtype, 0f, mlp));
            out.add(random(q + "mlp.fc2.weight", dtype, seed, d, mlp));
            out.add(constant(q + "mlp.fc2.bias", dtype, 0f, d));
        }
        out.add(constant(p + "post_layernorm.weight", dtype, 1f, d));
        out.add(constant(p + "post_layernorm.bias", dtype, 0f, d));
        return out;
    }

    /** A tensor uniform with the initializer's standard deviation, from its own stream seeded by (seed, name). */
    static TensorData random(String name, DType dtype, long seed, long... shape) {
        SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ name.hashCode());
        // A uniform on [-a, a] has standard deviation a/√3.
        float a = (float) (STD * Math.sqrt(3));
        return fill(name, dtype, shape, () -> (float) ((rnd.nextDouble() * 2 - 1) * a));
    }

    static TensorData constant(String name, DType dtype, float value, long... shape) {
        return fill(name, dtype, shape, () -> value);
    }

    private interface FloatSource {
        float next();
    }

    private static TensorData fill(String name, DType dtype, long[] shape, FloatSource values) {
        int count = Math.toIntExact(TensorData.elementCount(shape));
        ByteBuffer b = ByteBuffer.allocate(count * dtype.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            float v = values.next();
            if (dtype == DType.BF16) {
                b.putShort(HalfFloats.floatToBf16(v));
            } else {
                b.putFloat(v);
            }
        }
        b.flip();
        return new TensorData(name, dtype, shape, b);
    }

    private String configJson(DType dtype) throws IOException {
        ObjectNode c = JSON.createObjectNode();
        c.putArray("architectures").add(clip ? "CLIPVisionModel" : "SiglipVisionModel");
        c.put("model_type", clip ? "clip_vision_model" : "siglip_vision_model");
        c.put("hidden_size", hidden);
        c.put("intermediate_size", mlp);
        c.put("num_hidden_layers", layers);
        c.put("num_attention_heads", heads);
        c.put("num_channels", 3);
        c.put("image_size", image);
        c.put("patch_size", patch);
        c.put("hidden_act", activation);
        c.put("layer_norm_eps", clip ? 1e-5 : 1e-6);
        if (!clip) {
            c.put("vision_use_head", false);
        }
        c.put("torch_dtype", dtype == DType.BF16 ? "bfloat16" : "float32");
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(c);
    }

    /** The image processors of the released checkpoints (CLIP: shortest edge + centre crop; SigLIP: plain resize). */
    private String preprocessorJson() throws IOException {
        ObjectNode c = JSON.createObjectNode();
        c.put("image_processor_type", clip ? "CLIPImageProcessor" : "SiglipImageProcessor");
        c.put("do_resize", true);
        if (clip) {
            c.putObject("size").put("shortest_edge", image);
            c.put("do_center_crop", true);
            c.putObject("crop_size").put("height", image).put("width", image);
        } else {
            c.putObject("size").put("height", image).put("width", image);
        }
        c.put("resample", 3);
        c.put("do_rescale", true);
        c.put("rescale_factor", 1 / 255.0);
        c.put("do_normalize", true);
        double[] mean = clip ? new double[]{0.48145466, 0.4578275, 0.40821073} : new double[]{0.5, 0.5, 0.5};
        double[] std = clip ? new double[]{0.26862954, 0.26130258, 0.27577711} : new double[]{0.5, 0.5, 0.5};
        var m = c.putArray("image_mean");
        var s = c.putArray("image_std");
        for (int i = 0; i < 3; i++) {
            m.add(mean[i]);
            s.add(std[i]);
        }
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(c);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
