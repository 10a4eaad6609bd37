package io.glimpse.bench;

/**
 * The benchmark input: {@code frames} frames of a square {@code grid}×{@code grid} patch grid, {@code dim}-wide
 * embeddings, and the ViT that produced them. Written {@code 576x1024} (one frame) or {@code 32x196x896}; the ViT
 * follows from the grid (24: CLIP-L/14-336 as in LLaVA-1.5; 27, or 14 after LLaVA-OneVision's 2× pooling:
 * SigLIP-so400m/384) or is named after an {@code @}, e.g. {@code 8x256x1152@siglip-so400m}.
 */
record InputShape(int frames, int grid, int dim, VitModel vit) {
    InputShape {
        if (frames < 1 || grid < 1 || dim < 1) {
            throw new IllegalArgumentException("shape sizes must be positive, got " + frames + " frames of "
                    + grid + "x" + grid + ", dim " + dim);
        }
    }

    static InputShape parse(String text) {
        String[] at = text.trim().split("@", -1);
        if (at.length > 2) {
            throw new IllegalArgumentException("shape '" + text + "' has more than one '@'");
        }
        String[] parts = at[0].split("x", -1);
        if (parts.length < 2 || parts.length > 3) {
            throw new IllegalArgumentException("shape '" + text + "' is not TOKENSxDIM or FRAMESxTOKENSxDIM");
        }
        int[] v = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                v[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("shape '" + text + "': '" + parts[i] + "' is not a whole number");
            }
        }
        int frames = parts.length == 3 ? v[0] : 1;
        int tokens = v[parts.length - 2];
        int dim = v[parts.length - 1];
        int grid = (int) Math.round(Math.sqrt(tokens));
        if (grid * grid != tokens) {
            throw new IllegalArgumentException("shape '" + text + "': " + tokens + " tokens per frame is not a square grid");
        }
        VitModel vit = at.length == 2 ? VitModel.byId(at[1].trim()) : defaultVit(text, grid);
        return new InputShape(frames, grid, dim, vit);
    }

    private static VitModel defaultVit(String text, int grid) {
        return switch (grid) {
            case 24 -> VitModel.CLIP_L_336;
            case 27, 14 -> VitModel.SIGLIP_SO400M;
            default -> throw new IllegalArgumentException("shape '" + text + "': no default ViT for a " + grid + "x"
                    + grid + " grid; name one, e.g. '" + text + "@siglip-so400m'");
        };
    }

    int tokensPerFrame() {
        return grid * grid;
    }

    int tokens() {
        return frames * tokensPerFrame();
    }

    /** FLOPs of encoding every frame of this input with its ViT. */
    double vitForwardFlops() {
        return frames * vit.forwardFlops();
    }
}
