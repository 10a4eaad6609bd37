package io.glimpse.bench;

import io.glimpse.bench.fixture.ModelShapes;

import java.util.Locale;

/**
 * A vision transformer whose forward pass a reduction's cost is compared with, by its FLOP-setting sizes.
 *
 * <p>Per layer and frame the multiply-adds are taken as N·(4D² + 2·D·M) + 2·N²·D: the q, k, v and output
 * projections, the two MLP matrices and the two attention products (QKᵀ and AV). With M = 4D this is the usual
 * 12·N·D² + 2·N²·D; FLOPs are twice the multiply-adds. Norms, softmax, GELU and the patch embedding are left
 * out (a few percent), so the estimate is a slight underestimate of the forward pass.
 */
enum VitModel {
    /** CLIP ViT-L/14 at 336 px as in LLaVA-1.5: 576 patches + CLS, D 1024, MLP 4096, 24 layers. */
    CLIP_L_336(ModelShapes.CLIP_L_336),
    /** SigLIP-so400m/14 at 384 px as in LLaVA-OneVision: 729 patches, D 1152, MLP 4304, 26 of its 27 layers. */
    SIGLIP_SO400M(ModelShapes.SIGLIP_SO400M);

    final int tokens;
    final int dim;
    final int mlp;
    final int layers;

    VitModel(ModelShapes.Tower shape) {
        this.tokens = shape.tokens();
        this.dim = shape.hidden();
        this.mlp = shape.mlp();
        this.layers = shape.layers();
    }

    /** The name used in benchmark parameters, e.g. {@code siglip-so400m}. */
    String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static VitModel byId(String id) {
        for (VitModel m : values()) {
            if (m.id().equals(id)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown ViT '" + id + "'; valid: clip-l-336, siglip-so400m");
    }

    /** FLOPs of one layer over one frame. */
    double layerFlops() {
        double n = tokens;
        double d = dim;
        return 2 * (n * (4 * d * d + 2 * d * mlp) + 2 * n * n * d);
    }

    /** FLOPs of the whole encoder over one frame. */
    double forwardFlops() {
        return layers * layerFlops();
    }

    /** FLOPs of one MLP fc1 product over one frame: [N×D]·[M×D]ᵀ, the single sgemm that is timed. */
    double fc1Flops() {
        return 2.0 * tokens * dim * mlp;
    }
}
