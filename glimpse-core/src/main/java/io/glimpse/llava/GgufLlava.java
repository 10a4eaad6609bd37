package io.glimpse.llava;

import io.glimpse.image.AnyresGrid;
import io.glimpse.io.BadInputException;
import io.glimpse.io.GgufFile;
import io.glimpse.io.GgufTensor;
import io.glimpse.lm.ChatTemplate;
import io.glimpse.lm.DecoderModel;
import io.glimpse.lm.GgufTokenizer;
import io.glimpse.lm.PlaceholderTokenizer;
import io.glimpse.lm.TextTokenizer;
import io.glimpse.nn.Linear;
import io.glimpse.tensor.WeightStack;
import io.glimpse.tensor.WeightFormat;
import io.glimpse.vision.GgufVision;
import io.glimpse.vision.VisionTower;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A LLaVA model from the two GGUF files llama.cpp users run ({@code llama-mtmd-cli -m lm.gguf --mmproj mmproj.gguf}): the
 * decoder, its tokenizer and chat template from the language model's file, the vision tower ({@link GgufVision}) and the
 * {@code mlp} projector ({@code mm.0}, GELU, {@code mm.2}; clip.cpp's {@code PROJECTOR_TYPE_MLP}) from the mmproj file.
 * A file with {@code clip.vision.image_grid_pinpoints} is LLaVA-OneVision-style (anyres tiles, {@code v.image_newline}
 * or the legacy converter's {@code model.image_newline}), one without LLaVA-1.5.
 *
 * <p>Departures: the projector's GELU is the exact one of transformers' LlavaMultiModalProjector (ggml's is the tanh
 * form), so the GGUF and safetensors paths give the same rows. GGUF carries no {@code vision_aspect_ratio}; anyres uses
 * LLaVA-OneVision's default, {@code anyres_max_9}. The chat template is the one {@code tokenizer.chat_template} spells
 * ({@link ChatTemplate#recognize}), else the family's. A vocabulary without {@code <image>} (llama.cpp's conversions of
 * the original LLaVA-1.5) gets it as a {@link PlaceholderTokenizer} id, the prompt split there as llama.cpp's mtmd does.
 */
public final class GgufLlava {
    private static final List<String> NEWLINE_NAMES = List.of("v.image_newline", "model.image_newline");
    private static final List<String> PROJECTOR = List.of("mm.0.weight", "mm.0.bias", "mm.2.weight", "mm.2.bias");

    private GgufLlava() {
    }

    /** Loads {@code lm} and {@code mmproj}, the decoder's matrices in {@code weights} (null: as stored). */
    public static LlavaModel load(Path lm, Path mmproj, WeightFormat weights) throws IOException {
        GgufFile mm = GgufFile.read(mmproj);
        VisionTower tower = VisionTower.load(mm);
        String projector = mm.string("clip.projector_type");
        if (!projector.equals("mlp")) {
            throw new BadInputException(mmproj + ": clip.projector_type '" + projector + "' is not supported (mlp)");
        }
        if (mm.has("v.post_ln.weight")) {
            throw new BadInputException(mmproj + ": tensor 'v.post_ln.weight' is not supported (LLaVA features skip post-layernorm)");
        }
        GgufFile text = GgufFile.read(lm);
        DecoderModel decoder = DecoderModel.load(text, weights);
        int d = decoder.config().hiddenSize();
        int in = tower.config().hiddenSize() * tower.config().featureLayers().size();
        long projected = mm.integer("clip.vision.projection_dim", d);
        if (projected != d) {
            throw new BadInputException(mmproj + ": clip.vision.projection_dim " + projected + " is not the hidden size " + d
                    + " of " + lm);
        }
        for (String name : mm.tensors().keySet()) {
            if (name.startsWith("mm.") && !PROJECTOR.contains(name)) {
                throw new BadInputException(mmproj + ": tensor '" + name + "' is not part of an mlp projector (mm.0, mm.2)");
            }
        }
        Linear[] mlp = {layer(mm, "mm.0", d, in, lm), layer(mm, "mm.2", d, d, lm)};
        boolean anyres = mm.value("clip.vision.image_grid_pinpoints").isPresent();
        LlavaCheckpoint.Family family = anyres ? LlavaCheckpoint.Family.ONEVISION : LlavaCheckpoint.Family.LLAVA_15;
        float[] newline = null;
        AnyresGrid grid = null;
        if (anyres) {
            String nl = NEWLINE_NAMES.stream().filter(mm::has).findFirst().orElseThrow(() -> new BadInputException(mmproj
                    + ": missing tensor 'v.image_newline' (looked for " + NEWLINE_NAMES + ")"));
            newline = vector(mm, nl, d, lm);
            grid = anyres(mm, tower);
        }
        TextTokenizer tokenizer = PlaceholderTokenizer.withPlaceholders(GgufTokenizer.load(text), List.of("<image>", "<video>"));
        try {
            ChatTemplate template = template(text, family);
            return new LlavaModel(family, tower, GgufVision.processor(mm, tower.config(), anyres), decoder, tokenizer, template,
                    mlp, newline, grid, tokenizer.id("<image>"), tokenizer.id("<video>"));
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }

    private static ChatTemplate template(GgufFile text, LlavaCheckpoint.Family family) {
        if (text.value("tokenizer.chat_template").isEmpty()) {
            return ChatTemplate.forModelType(family.modelType());
        }
        try {
            return ChatTemplate.recognize(text.string("tokenizer.chat_template"));
        } catch (BadInputException e) {
            throw new BadInputException(text.file() + ": tokenizer.chat_template: " + e.getMessage());
        }
    }

    /** One projector layer {@code prefix.weight} [out × in] and {@code prefix.bias}; out must be the decoder's width. */
    private static Linear layer(GgufFile mm, String prefix, int out, int in, Path lm) {
        GgufTensor w = mm.tensor(prefix + ".weight");
        long[] shape = w.shape();
        if (shape.length != 2 || shape[1] != in) {
            throw new BadInputException(mm.file() + ": tensor '" + prefix + ".weight' has shape " + Arrays.toString(shape)
                    + ", the tower's features are " + in + " wide");
        }
        if (shape[0] != out) {
            throw new BadInputException(mm.file() + ": tensor '" + prefix + ".weight' projects to " + shape[0]
                    + ", but the decoder of " + lm + " is " + out + " wide");
        }
        return Linear.stored(WeightStack.of(GgufVision.matrix(mm, w)), vector(mm, prefix + ".bias", out, lm));
    }

    private static float[] vector(GgufFile mm, String name, int n, Path lm) {
        GgufTensor t = mm.tensor(name);
        if (!Arrays.equals(t.shape(), new long[] {n})) {
            throw new BadInputException(mm.file() + ": tensor '" + name + "' has shape " + Arrays.toString(t.shape())
                    + ", the decoder of " + lm + " is " + n + " wide");
        }
        return GgufVision.floats(mm, t);
    }

    /** clip.vision.image_grid_pinpoints, flattened [height, width] pairs as the converter writes config.json's list. */
    private static AnyresGrid anyres(GgufFile mm, VisionTower tower) {
        int[] flat = mm.ints("clip.vision.image_grid_pinpoints");
        if (flat.length == 0 || flat.length % 2 != 0) {
            throw new BadInputException(mm.file() + ": clip.vision.image_grid_pinpoints has " + flat.length
                    + " values, not a non-empty list of (height, width) pairs");
        }
        List<int[]> pinpoints = new ArrayList<>();
        for (int i = 0; i < flat.length; i += 2) {
            pinpoints.add(new int[] {flat[i], flat[i + 1]});
        }
        try {
            return new AnyresGrid(tower.config().imageSize(), tower.config().gridSize(), pinpoints,
                    AnyresGrid.maxCrops("anyres_max_9"));
        } catch (IllegalArgumentException e) {
            throw new BadInputException(mm.file() + ": clip.vision.image_grid_pinpoints: " + e.getMessage());
        }
    }
}
