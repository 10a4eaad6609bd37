package io.glimpse.vision;

import io.glimpse.io.BadInputException;
import io.glimpse.io.TensorData;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The weights of one CLIP or SigLIP vision tower, widened to float and checked against config.json: every tensor
 * the family needs is present under one of the HF prefixes, has the shape the config implies and a floating dtype,
 * and no unknown tensor sits under that prefix (research/model-formats.md §2.2, §3.1).
 */
final class VisionWeights {
    /** Where vision towers live in the checkpoints we accept, most specific first. */
    static final List<String> PREFIXES = List.of("model.vision_tower.vision_model.", "vision_tower.vision_model.",
            "vision_model.", "");

    record Layer(float[] ln1W, float[] ln1B, float[] qkvW, float[] qkvB, float[] outW, float[] outB,
                 float[] ln2W, float[] ln2B, float[] fc1W, float[] fc1B, float[] fc2W, float[] fc2B) {
    }

    final String prefix;
    final float[] patchW;
    final float[] patchB;
    final float[] classEmb;
    final float[] posEmb;
    final float[] preLnW;
    final float[] preLnB;
    final Layer[] layers;
    final float[] postLnW;
    final float[] postLnB;

    private final Map<String, long[]> expected = new LinkedHashMap<>();
    private final Checkpoint ckpt;
    private final Path configFile;

    VisionWeights(VisionConfig cfg, Checkpoint ckpt, Path configFile) {
        this.ckpt = ckpt;
        this.configFile = configFile;
        this.prefix = findPrefix(ckpt);
        int d = cfg.hiddenSize();
        int p = cfg.patchSize();
        int inter = cfg.intermediateSize();
        boolean clip = cfg.hasCls();
        patchW = load("embeddings.patch_embedding.weight", d, cfg.channels(), p, p);
        patchB = clip ? null : load("embeddings.patch_embedding.bias", d);
        classEmb = clip ? load("embeddings.class_embedding", d) : null;
        posEmb = load("embeddings.position_embedding.weight", cfg.sequenceLength(), d);
        preLnW = clip ? load("pre_layrnorm.weight", d) : null;
        preLnB = clip ? load("pre_layrnorm.bias", d) : null;
        layers = new Layer[cfg.layers()];
        for (int i = 0; i < layers.length; i++) {
            String l = "encoder.layers." + i + ".";
            float[] qkvW = concat(load(l + "self_attn.q_proj.weight", d, d), load(l + "self_attn.k_proj.weight", d, d),
                    load(l + "self_attn.v_proj.weight", d, d));
            float[] qkvB = concat(load(l + "self_attn.q_proj.bias", d), load(l + "self_attn.k_proj.bias", d),
                    load(l + "self_attn.v_proj.bias", d));
            layers[i] = new Layer(load(l + "layer_norm1.weight", d), load(l + "layer_norm1.bias", d), qkvW, qkvB,
                    load(l + "self_attn.out_proj.weight", d, d), load(l + "self_attn.out_proj.bias", d),
                    load(l + "layer_norm2.weight", d), load(l + "layer_norm2.bias", d),
                    load(l + "mlp.fc1.weight", inter, d), load(l + "mlp.fc1.bias", inter),
                    load(l + "mlp.fc2.weight", d, inter), load(l + "mlp.fc2.bias", d));
        }
        postLnW = load("post_layernorm.weight", d);
        postLnB = load("post_layernorm.bias", d);
        rejectUnknown(cfg);
    }

    private static String findPrefix(Checkpoint ckpt) {
        for (String prefix : PREFIXES) {
            if (ckpt.has(prefix + "embeddings.patch_embedding.weight")) {
                return prefix;
            }
        }
        throw new BadInputException(ckpt.anyFile() + ": missing tensor 'embeddings.patch_embedding.weight' under any of the prefixes "
                + PREFIXES + " — not a CLIP/SigLIP vision tower checkpoint");
    }

    private float[] load(String shortName, long... shape) {
        String name = prefix + shortName;
        expected.put(name, shape);
        TensorData t = ckpt.tensors().get(name);
        if (t == null) {
            throw new BadInputException(ckpt.anyFile() + ": missing tensor '" + name + "' (config " + configFile + ")");
        }
        if (!Arrays.equals(t.shape(), shape)) {
            throw new BadInputException(ckpt.file(name) + ": tensor '" + name + "' has shape " + Arrays.toString(t.shape())
                    + " but " + configFile + " implies " + Arrays.toString(shape));
        }
        if (!t.dtype().isFloating()) {
            throw new BadInputException(ckpt.file(name) + ": tensor '" + name + "' has dtype " + t.dtype() + ", expected a float type");
        }
        return t.toFloats();
    }

    private void rejectUnknown(VisionConfig cfg) {
        for (String name : ckpt.tensors().keySet()) {
            if (!name.startsWith(prefix) || expected.containsKey(name)) {
                continue;
            }
            String rest = name.substring(prefix.length());
            boolean buffer = rest.equals("embeddings.position_ids");
            boolean head = cfg.useHead() && rest.startsWith("head.");
            boolean foreign = prefix.isEmpty() && isForeign(rest);
            if (!buffer && !head && !foreign) {
                throw new BadInputException(ckpt.file(name) + ": unexpected tensor '" + name + "' for a " + cfg.family()
                        + " vision tower of " + cfg.layers() + " layers (config " + configFile + ")");
            }
        }
    }

    /** In a checkpoint without a prefix, tensors of other components (projections, text tower) are not ours. */
    private static boolean isForeign(String name) {
        return !(name.startsWith("embeddings.") || name.startsWith("encoder.") || name.startsWith("pre_layrnorm.")
                || name.startsWith("post_layernorm.") || name.startsWith("head."));
    }

    private static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) {
            n += p.length;
        }
        float[] out = new float[n];
        int o = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }
}
