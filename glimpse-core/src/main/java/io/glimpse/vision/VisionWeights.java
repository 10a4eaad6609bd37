package io.glimpse.vision;

import io.glimpse.io.Checkpoint;
import io.glimpse.io.BadInputException;
import io.glimpse.io.HeapLimit;
import io.glimpse.nn.Linear;
import io.glimpse.nn.Norm;

import java.nio.file.Path;
import java.util.List;

/**
 * The weights of one CLIP or SigLIP vision tower, widened to float and checked against config.json: every tensor
 * the family needs is present under one of the HF prefixes, has the shape the config implies and a floating dtype,
 * and no unknown tensor sits under that prefix (tensor names of transformers' CLIPVisionModel / SiglipVisionModel state dicts).
 */
final class VisionWeights {
    /** Where vision towers live in the checkpoints we accept, most specific first. */
    static final List<String> PREFIXES = List.of("model.vision_tower.vision_model.", "vision_tower.vision_model.",
            "vision_model.", "");

    final String prefix;
    /** The patch convolution as a [D × 3·P·P] linear layer (bias for SigLIP only). */
    final Linear patch;
    final float[] classEmb;
    final float[] posEmb;
    /** CLIP's pre_layrnorm, or null. */
    final Norm preLn;
    final EncoderLayer[] layers;
    /** post_layernorm, or null when the source has none. */
    final Norm postLn;
    final PoolingHead head;

    /** The tower of a safetensors checkpoint, whose tensors other than this tower's are rejected. */
    static VisionWeights of(VisionConfig cfg, Checkpoint ckpt, Path configFile) {
        String prefix = findPrefix(ckpt);
        TensorLoader l = new TensorLoader(ckpt, configFile, prefix);
        VisionWeights w = new VisionWeights(cfg, l, prefix);
        w.rejectUnknown(cfg, l);
        return w;
    }

    /**
     * The tower's weights from {@code l}, refused up front when the machine's memory cannot hold them; post_layernorm is
     * read when present (LLaVA's mmproj files leave it out, as
     * LLaVA never applies it).
     */
    VisionWeights(VisionConfig cfg, VisionTensors l, String prefix) {
        HeapLimit.requireMemory(cfg.weightBytes(), l.input(), "the vision tower's weights as f32");
        this.prefix = prefix;
        int d = cfg.hiddenSize();
        int p = cfg.patchSize();
        boolean clip = cfg.hasCls();
        patch = Linear.prepared(l.load("embeddings.patch_embedding.weight", d, cfg.channels(), p, p), d, cfg.channels() * p * p,
                clip ? null : l.load("embeddings.patch_embedding.bias", d));
        classEmb = clip ? l.load("embeddings.class_embedding", d) : null;
        posEmb = l.load("embeddings.position_embedding.weight", cfg.sequenceLength(), d);
        preLn = clip ? new Norm.Layer(l.load("pre_layrnorm.weight", d), l.load("pre_layrnorm.bias", d), cfg.layerNormEps()) : null;
        // Grown one loaded layer at a time: an absurd num_hidden_layers fails on the first missing tensor instead of
        // allocating its array up front.
        java.util.List<EncoderLayer> loaded = new java.util.ArrayList<>();
        for (int i = 0; i < cfg.layers(); i++) {
            loaded.add(EncoderLayer.load(l, "encoder.layers." + i + ".", d, cfg.intermediateSize(), cfg.layerNormEps()));
        }
        layers = loaded.toArray(new EncoderLayer[0]);
        postLn = l.has("post_layernorm.weight")
                ? new Norm.Layer(l.load("post_layernorm.weight", d), l.load("post_layernorm.bias", d), cfg.layerNormEps()) : null;
        head = cfg.useHead() ? new PoolingHead(l, cfg) : null;
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

    private void rejectUnknown(VisionConfig cfg, TensorLoader l) {
        for (String name : l.ckpt.tensors().keySet()) {
            if (!name.startsWith(prefix) || l.used(name)) {
                continue;
            }
            String rest = name.substring(prefix.length());
            boolean buffer = rest.equals("embeddings.position_ids");
            boolean foreign = prefix.isEmpty() && isForeign(rest);
            if (!buffer && !foreign) {
                throw new BadInputException(l.ckpt.file(name) + ": unexpected tensor '" + name + "' for a " + cfg.family()
                        + " vision tower of " + cfg.layers() + " layers (config " + l.configFile + ")");
            }
        }
    }

    /** In a checkpoint without a prefix, tensors of other components (projections, text tower) are not ours. */
    private static boolean isForeign(String name) {
        return !(name.startsWith("embeddings.") || name.startsWith("encoder.") || name.startsWith("pre_layrnorm.")
                || name.startsWith("post_layernorm.") || name.startsWith("head."));
    }
}
