package io.glimpse.llava;

import io.glimpse.io.JsonFiles;
import com.fasterxml.jackson.databind.JsonNode;
import io.glimpse.image.AnyresGrid;
import io.glimpse.image.RgbImage;
import io.glimpse.io.BadInputException;
import io.glimpse.io.Checkpoint;
import io.glimpse.lm.ChatMessage;
import io.glimpse.lm.ChatTemplate;
import io.glimpse.lm.DecoderModel;
import io.glimpse.lm.PositionPolicy;
import io.glimpse.lm.TextTokenizer;
import io.glimpse.nn.Linear;
import io.glimpse.nn.StoredMatrix;
import io.glimpse.tensor.WeightFormat;
import io.glimpse.tensor.WeightStack;
import io.glimpse.tokens.AttentionMaps;
import io.glimpse.tokens.FrameInfo;
import io.glimpse.tokens.TokenSet;
import io.glimpse.nn.Activation;
import io.glimpse.plan.CostModel;
import io.glimpse.plan.Llava15Cost;
import io.glimpse.plan.LlavaOneVisionCost;
import io.glimpse.vision.EncodeOptions;
import io.glimpse.tokens.VisualTokens;
import io.glimpse.vision.ImageProcessor;
import io.glimpse.vision.VisionTower;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A LLaVA-family model from one checkpoint folder (transformers {@code models/llava/modeling_llava.py},
 * {@code models/llava_onevision/modeling_llava_onevision.py}): the CLIP or SigLIP tower, the
 * {@code multi_modal_projector} (linear_1, exact-erf GELU, linear_2; {@code LlavaMultiModalProjector}) and the Qwen2/Llama decoder, with the
 * tokenizer, chat template and image processor stored beside them. Tensor names may use the older
 * {@code vision_tower.* / multi_modal_projector.* / language_model.*} layout or the newer {@code model.*} one.
 *
 * <p>Visual tokens stay a {@link TokenSet} in encoder space until {@link #imageBlock} / {@link #videoBlock}
 * project them, so a reduction pipeline can run on the tower's output before the decoder sees it. LLaVA-1.5
 * images: the processor's pad-to-square, features at vision_feature_layer without CLS, one projected row per
 * patch. LLaVA-OneVision images: alone in a prompt, anyres tiling ({@link AnyresGrid}: base crop plus
 * tiles, the tiles' map unpadded, shrunk past anyres_max_N, a newline per row); with other images, each
 * padded to a square with the mean colour, one crop and one newline. LLaVA-OneVision videos: every frame's full
 * SigLIP features, projected, pooled 2×2 bilinearly, then one image_newline after all frames
 * ({@code LlavaOnevisionModel.get_video_features} and {@code apply_pooling}).
 *
 * <p>Immutable after loading; the tokenizer holds native memory, released by {@link #close}.
 */
public final class LlavaModel implements AutoCloseable {
    private static final List<String> PROJECTOR_PREFIXES = List.of("multi_modal_projector.", "model.multi_modal_projector.");
    private static final List<String> NEWLINE_NAMES = List.of("image_newline", "model.image_newline");

    private final LlavaCheckpoint.Family family;
    private final VisionTower tower;
    private final ImageProcessor processor;
    private final DecoderModel decoder;
    private final TextTokenizer tokenizer;
    private final ChatTemplate template;
    /** multi_modal_projector: linear_1, exact-erf GELU, linear_2. */
    private final Linear linear1;
    private final Linear linear2;
    private final float[] newline;
    private final AnyresGrid anyres;
    private final int imageToken;
    private final int videoToken;

    /** How an image's projected rows become its block. */
    public enum Packing {
        /** LLaVA-1.5: one row per token. */
        PLAIN,
        /** LLaVA-OneVision, one image in the prompt: {@link AnyresPacking}. */
        ANYRES,
        /** LLaVA-OneVision, several images in the prompt: the rows of one square crop, then image_newline. */
        NEWLINE
    }

    /**
     * One image made ready for the tower.
     *
     * @param crops   the tower's inputs, in order
     * @param width   the original image's width (anyres unpads by it)
     * @param height  the original image's height
     * @param packing how {@link #imageBlock} turns the crops' projected rows into the image's block
     */
    public record ImageCrops(List<RgbImage> crops, int width, int height, Packing packing) {
        public ImageCrops {
            crops = List.copyOf(crops);
        }
    }

    /**
     * Visual rows for one placeholder, ready to splice into the prompt.
     *
     * @param rows      projected rows [n × decoder hidden]
     * @param positions each row's position relative to the block's start
     * @param span      positions the block occupies; the text after it continues at start + span
     */
    public record Block(float[] rows, int[] positions, int span) {
    }

    /**
     * A prompt ready for prefill.
     *
     * @param ids       token ids with each placeholder expanded to its block's rows
     * @param inputs    embedding rows [ids.length × hidden], visual rows spliced in
     * @param positions position ids of the rows
     */
    public record Prompt(int[] ids, float[] inputs, int[] positions) {
    }

    /** The parts of a model, however they were stored ({@link #load}, {@link GgufLlava}); {@code projector} is linear_1, linear_2. */
    LlavaModel(LlavaCheckpoint.Family family, VisionTower tower, ImageProcessor processor, DecoderModel decoder,
               TextTokenizer tokenizer, ChatTemplate template, Linear[] projector, float[] newline, AnyresGrid anyres,
               int imageToken, int videoToken) {
        this.tower = tower;
        this.processor = processor;
        this.decoder = decoder;
        this.tokenizer = tokenizer;
        this.family = family;
        this.template = template;
        this.linear1 = projector[0];
        this.linear2 = projector[1];
        this.newline = newline;
        this.anyres = anyres;
        this.imageToken = imageToken;
        this.videoToken = videoToken;
    }

    /** Loads config.json, the safetensors weights, tokenizer.json and preprocessor_config.json of a folder. */
    public static LlavaModel load(Path dir) throws IOException {
        return load(LlavaCheckpoint.read(dir), null);
    }

    /** As {@link #load(Path)}, the decoder's matrices in {@code weights} ({@code --weights}; null: as stored). */
    public static LlavaModel load(Path dir, WeightFormat weights) throws IOException {
        return load(LlavaCheckpoint.read(dir), weights);
    }

    /**
     * Loads the weights and tokenizer of a checkpoint whose JSON files are read, the decoder's matrices in
     * {@code weights} (null: as stored, views into the mapped files).
     */
    public static LlavaModel load(LlavaCheckpoint checkpoint, WeightFormat weights) throws IOException {
        Path dir = checkpoint.dir();
        Path configFile = checkpoint.configFile();
        JsonNode root = checkpoint.config();
        boolean oneVision = checkpoint.family() == LlavaCheckpoint.Family.ONEVISION;
        String act = root.path("projector_hidden_act").asText("gelu");
        if (Activation.byName(act) != Activation.GELU_ERF) {
            throw new BadInputException(configFile + ": projector_hidden_act '" + act + "' is not supported (gelu)");
        }
        Checkpoint ckpt = Checkpoint.open(dir);
        VisionTower tower = VisionTower.load(ckpt, root, configFile);
        if (tower.config().hasCls() && !tower.config().dropCls()) {
            throw new BadInputException(configFile + ": vision_feature_select_strategy 'full' with a CLS tower is not supported");
        }
        DecoderModel decoder = DecoderModel.load(ckpt, root, configFile, weights);
        ImageProcessor processor = ImageProcessor.parse(checkpoint.preprocessor(), checkpoint.preprocessorFile());
        AnyresGrid anyres = oneVision ? anyres(checkpoint, tower) : null;
        String p = PROJECTOR_PREFIXES.stream().filter(x -> ckpt.has(x + "linear_1.weight")).findFirst()
                .orElseThrow(() -> new BadInputException(ckpt.anyFile() + ": no projector (looked for "
                        + PROJECTOR_PREFIXES.stream().map(x -> x + "linear_1.weight").toList() + ")"));
        int in = tower.config().hiddenSize() * tower.config().featureLayers().size();
        int d = decoder.config().hiddenSize();
        // Views of the mapped checkpoint, widened by the GEMM as it reads them: an f32 copy of LLaVA-1.5's would be
        // 84 MB of heap beside the decoder for two products per image.
        Linear[] projector = {
                Linear.stored(WeightStack.of(StoredMatrix.of(ckpt, configFile, p + "linear_1.weight", d, in)),
                        ckpt.floats(p + "linear_1.bias", configFile, d)),
                Linear.stored(WeightStack.of(StoredMatrix.of(ckpt, configFile, p + "linear_2.weight", d, d)),
                        ckpt.floats(p + "linear_2.bias", configFile, d))};
        String nl = NEWLINE_NAMES.stream().filter(ckpt::has).findFirst().orElse(null);
        if (nl == null && oneVision) {
            throw new BadInputException(ckpt.anyFile() + ": missing tensor 'image_newline' (looked for " + NEWLINE_NAMES + ")");
        }
        float[] newline = nl == null ? null : ckpt.floats(nl, configFile, d);
        TextTokenizer tokenizer = TextTokenizer.load(dir);
        try {
            int image = tokenId(root, tokenizer, "<image>", "image_token_index", "image_token_id");
            int video = tokenId(root, tokenizer, "<video>", "video_token_index", "video_token_id");
            return new LlavaModel(checkpoint.family(), tower, processor, decoder, tokenizer,
                    ChatTemplate.forModelType(checkpoint.family().modelType()), projector, newline, anyres, image, video);
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }

    /**
     * The anyres layout from config.json (image_grid_pinpoints, vision_aspect_ratio, the tower's crop size), which
     * the processor's image_grid_pinpoints must not contradict: transformers tiles by the processor's and unpacks by
     * the model's.
     */
    private static AnyresGrid anyres(LlavaCheckpoint checkpoint, VisionTower tower) {
        JsonNode root = checkpoint.config();
        Path configFile = checkpoint.configFile();
        Path processorFile = checkpoint.preprocessorFile();
        int tile = tower.config().imageSize();
        List<int[]> pinpoints = root.has("image_grid_pinpoints") ? pinpoints(root.get("image_grid_pinpoints"), configFile)
                : AnyresGrid.defaultPinpoints(tile);
        JsonNode pre = checkpoint.preprocessor();
        if (pre.has("image_grid_pinpoints")) {
            List<int[]> other = pinpoints(pre.get("image_grid_pinpoints"), processorFile);
            if (other.size() != pinpoints.size() || IntStream.range(0, other.size())
                    .anyMatch(i -> !Arrays.equals(other.get(i), pinpoints.get(i)))) {
                throw new BadInputException(processorFile + ": image_grid_pinpoints differ from " + configFile + "'s");
            }
        }
        try {
            int max = AnyresGrid.maxCrops(root.path("vision_aspect_ratio").asText("anyres_max_9"));
            return new AnyresGrid(tile, tower.config().gridSize(), pinpoints, max);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(configFile + ": " + e.getMessage());
        }
    }

    private static List<int[]> pinpoints(JsonNode list, Path file) {
        if (!list.isArray() || list.isEmpty()) {
            throw new BadInputException(file + ": image_grid_pinpoints must be a non-empty list of [height, width], got " + list);
        }
        List<int[]> out = new ArrayList<>();
        for (JsonNode p : list) {
            if (!p.isArray() || p.size() != 2 || !p.get(0).isInt() || !p.get(1).isInt()) {
                throw new BadInputException(file + ": image_grid_pinpoints entry " + p + " is not [height, width]");
            }
            out.add(new int[] {p.get(0).asInt(), p.get(1).asInt()});
        }
        return out;
    }

    private static int tokenId(JsonNode root, TextTokenizer tokenizer, String text, String... fields) {
        for (String f : fields) {
            if (root.has(f)) {
                return root.get(f).asInt();
            }
        }
        return tokenizer.id(text);
    }

    public LlavaCheckpoint.Family family() {
        return family;
    }

    public DecoderModel decoder() {
        return decoder;
    }

    public TextTokenizer tokenizer() {
        return tokenizer;
    }

    public ChatTemplate template() {
        return template;
    }

    /**
     * What a planner should price frames and images in for this checkpoint: its tower's side and grid, its anyres
     * tiling, so a plan spends exactly the rows {@link #videoRows} and {@link #imageTokens} count.
     */
    public CostModel costModel() {
        int side = tower.config().imageSize();
        return anyres == null ? new Llava15Cost(side, tower.config().patches())
                : new LlavaOneVisionCost(side, tower.config().gridSize(), anyres);
    }

    /** True when the vision tower has a CLS token (CLIP), whose attention reducers may rank by; SigLIP has none. */
    public boolean towerHasCls() {
        return tower.config().hasCls();
    }

    /** Id of the image placeholder, or -1 when neither config nor tokenizer names one. */
    public int imageToken() {
        return imageToken;
    }

    /**
     * Encoder-space tokens of images or video frames (one frame each, in order) at the configured feature layer,
     * without CLS; with {@code attention}, every block's attention vectors too, for reducers that score by them.
     */
    public VisualTokens encode(List<RgbImage> frames, boolean attention) {
        return encode(frames, attention ? new AttentionMaps.Request(
                IntStream.rangeClosed(1, tower.config().layers()).boxed().collect(Collectors.toSet()), Set.of())
                : AttentionMaps.Request.NONE);
    }

    /**
     * As {@link #encode(List, boolean)}, with only the attention maps and key rows of the blocks {@code needs}
     * names ({@link io.glimpse.reduce.Pipeline#encoderNeeds}): each block's maps cost a pass over its heads' maps.
     * Blocks deeper than the tower are left out, so a stage that needs them says so when it runs, and one that can
     * do without (keys) does.
     */
    public VisualTokens encode(List<RgbImage> frames, AttentionMaps.Request needs) {
        VisualTokens tokens = tower.encodeFrames(frames, processor, EncodeOptions.defaults().with(needs.within(tower.config().layers())));
        // The prefill and decode that follow read every decoder weight, none of the tower's: let its mapped pages go,
        // so they are not resident beside the KV cache. Refaulting them from the page cache costs the next encode
        // about 60 ms for CLIP-L/336 in bf16 (0.6 GB, measured on a 2-core Zen 3), 1-2% of the encode.
        tower.releasePages();
        return tokens;
    }

    /** The projector applied to every token: rows [tokens × decoder hidden]. */
    public float[] project(TokenSet tokens) {
        if (tokens.dim() != linear1.in()) {
            throw new IllegalArgumentException("tokens have dimension " + tokens.dim() + ", the projector takes " + linear1.in());
        }
        float[] h = linear1.apply(tokens.embeddingsView(), tokens.size());
        Activation.GELU_ERF.applyInPlace(h, 0, h.length);
        return linear2.apply(h, tokens.size());
    }

    /**
     * What the tower is given for {@code image} when the prompt holds {@code imagesInPrompt} images: LLaVA-1.5 the
     * image itself (its processor pads and resizes), LLaVA-OneVision the anyres crops of a lone image or the
     * mean-colour square of one among several (transformers' {@code batch_num_images > 1}).
     */
    public ImageCrops crops(RgbImage image, int imagesInPrompt) {
        if (imagesInPrompt < 1) {
            throw new IllegalArgumentException("a prompt with an image holds at least one, got " + imagesInPrompt);
        }
        if (anyres == null) {
            return new ImageCrops(List.of(image), image.width(), image.height(), Packing.PLAIN);
        }
        if (imagesInPrompt > 1) {
            return new ImageCrops(List.of(processor.padToSquare(image)), image.width(), image.height(), Packing.NEWLINE);
        }
        return new ImageCrops(anyres.crops(image, processor.resampler()), image.width(), image.height(), Packing.ANYRES);
    }

    /** Placeholder rows the processor expands one unreduced image to (the rows of its {@link #imageBlock}). */
    public int imageTokens(int width, int height, int imagesInPrompt) {
        int grid = tower.config().patches();
        if (anyres == null) {
            return grid;
        }
        return imagesInPrompt > 1 ? grid + 1 : anyres.tokens(height, width);
    }

    /**
     * One image's rows from the tokens of its {@link #crops}. Unreduced ({@code reduced} false): as the model packs
     * them (one row per token, anyres packing, or one crop and a newline), consecutively placed. A reduced set's rows
     * are placed by {@code policy} instead; anyres images then lose their per-row newlines, which belong to a grid
     * the reduction no longer keeps, while a lone square crop keeps its closing newline.
     *
     * @throws IllegalArgumentException when unreduced tokens do not cover the crops' grids
     */
    public Block imageBlock(TokenSet tokens, ImageCrops crops, boolean reduced, PositionPolicy policy) {
        float[] projected = project(tokens);
        if (crops.packing() == Packing.ANYRES && !reduced) {
            float[] rows = AnyresPacking.pack(anyres, projected, crops.height(), crops.width(), newline);
            int n = rows.length / newline.length;
            return new Block(rows, IntStream.range(0, n).toArray(), n);
        }
        int[] positions = VisualPositions.of(policy, tokens, 0);
        int span = VisualPositions.span(policy, tokens);
        return crops.packing() == Packing.NEWLINE ? closedByNewline(projected, positions, span)
                : new Block(projected, positions, span);
    }

    /**
     * A video's rows and the image_newline after them: {@link #decoderRows} of the tokens, placed consecutively
     * when {@code reduced} is false and by {@code policy} when it is true.
     *
     * @throws IllegalStateException when the checkpoint has no image_newline
     */
    public Block videoBlock(TokenSet tokens, boolean reduced, PositionPolicy policy) {
        return videoBlockOf(decoderRows(tokens), reduced, policy);
    }

    /**
     * The rows of {@link #decoderRows}, then the image_newline.
     *
     * @throws IllegalStateException when the checkpoint has no image_newline
     */
    public Block videoBlockOf(TokenSet rows, boolean reduced, PositionPolicy policy) {
        if (newline == null) {
            throw new IllegalStateException("this checkpoint has no image_newline, so it takes no video");
        }
        if (rows.dim() != newline.length) {
            throw new IllegalArgumentException("rows have dimension " + rows.dim() + ", the decoder takes " + newline.length);
        }
        int n = rows.size();
        int[] positions = reduced ? VisualPositions.of(policy, rows, 0) : IntStream.range(0, n).toArray();
        return closedByNewline(rows.embeddingsView(), positions, reduced ? VisualPositions.span(policy, rows) : n);
    }

    /**
     * A video's tokens as the rows the model hands its decoder before the image_newline, as a token set in decoder
     * space: tokens that still hold every patch in grid order are projected and pooled 2×2 to
     * ⌈h/2⌉×⌈w/2⌉ a frame ({@link LlavaOneVisionCost#pooledSide}), as OneVision does (their provenance is the pooled grid); a reduced
     * set replaces that pooling, one projected row per token.
     */
    public TokenSet decoderRows(TokenSet tokens) {
        float[] projected = project(tokens);
        int d = decoder.config().hiddenSize();
        if (!holdsEveryPatch(tokens)) {
            return tokens.withEmbeddings(projected, d);
        }
        List<FrameInfo> pooledFrames = new ArrayList<>();
        float[] rows = new float[videoRows(tokens) * d];
        int offset = 0;
        int at = 0;
        for (FrameInfo f : tokens.frames()) {
            float[] pooled = BilinearPool.halve(Arrays.copyOfRange(projected, offset * d, (offset + f.patches()) * d),
                    f.gridH(), f.gridW(), d);
            System.arraycopy(pooled, 0, rows, at, pooled.length);
            at += pooled.length;
            offset += f.patches();
            pooledFrames.add(new FrameInfo(f.timestamp(), LlavaOneVisionCost.pooledSide(f.gridH()),
                    LlavaOneVisionCost.pooledSide(f.gridW()), f.pixelW(), f.pixelH(), f.scene(), f.clip()));
        }
        return TokenSet.fromGrid(rows, d, pooledFrames);
    }

    /** Rows the model spends on a video's frames without reduction, the image_newline left out. */
    public int videoRows(TokenSet tokens) {
        return tokens.frames().stream()
                .mapToInt(f -> LlavaOneVisionCost.pooledSide(f.gridH()) * LlavaOneVisionCost.pooledSide(f.gridW())).sum();
    }

    /** True when token t is patch t for every patch: nothing merged, dropped or reordered. */
    private static boolean holdsEveryPatch(TokenSet tokens) {
        if (tokens.size() != tokens.patchCount()) {
            return false;
        }
        for (int p = 0; p < tokens.patchCount(); p++) {
            if (tokens.origin(p) != p) {
                return false;
            }
        }
        return true;
    }

    /** {@code rows} at {@code positions}, then image_newline at {@code span}, the block one position longer. */
    private Block closedByNewline(float[] rows, int[] positions, int span) {
        int d = newline.length;
        float[] withNewline = Arrays.copyOf(rows, rows.length + d);
        System.arraycopy(newline, 0, withNewline, rows.length, d);
        int[] pos = Arrays.copyOf(positions, positions.length + 1);
        pos[positions.length] = span;
        return new Block(withNewline, pos, span + 1);
    }

    /** Renders one user turn with {@code images} image or {@code videos} video placeholders and tokenizes it. */
    public int[] promptIds(String text, int images, int videos) {
        String rendered = template.render(List.of(new ChatMessage("user", images, videos, text)), true);
        return tokenizer.encode(rendered, true);
    }

    /**
     * Expands each placeholder of {@code ids} (image or video token, in order) to the rows of the next block and
     * numbers the rows: text continues after each block's span.
     *
     * @throws IllegalArgumentException when the placeholders and blocks differ in number
     */
    public Prompt assemble(int[] ids, List<Block> blocks) {
        int d = decoder.config().hiddenSize();
        int slots = (int) Arrays.stream(ids).filter(this::isPlaceholder).count();
        if (slots != blocks.size()) {
            throw new IllegalArgumentException("prompt has " + slots + " image/video placeholders for " + blocks.size() + " inputs");
        }
        int total = ids.length - slots + blocks.stream().mapToInt(b -> b.positions().length).sum();
        int[] expanded = new int[total];
        int[] positions = new int[total];
        float[] inputs = new float[total * d];
        int row = 0;
        int pos = 0;
        int next = 0;
        for (int id : ids) {
            if (isPlaceholder(id)) {
                Block b = blocks.get(next++);
                int n = b.positions().length;
                if (b.rows().length != n * d) {
                    throw new IllegalArgumentException("block " + (next - 1) + " holds " + b.rows().length
                            + " values for " + n + " rows of width " + d);
                }
                System.arraycopy(b.rows(), 0, inputs, row * d, n * d);
                for (int i = 0; i < n; i++) {
                    expanded[row + i] = id;
                    positions[row + i] = pos + b.positions()[i];
                }
                row += n;
                pos += b.span();
            } else {
                System.arraycopy(decoder.embed(new int[] {id}), 0, inputs, row * d, d);
                expanded[row] = id;
                positions[row++] = pos++;
            }
        }
        return new Prompt(expanded, inputs, positions);
    }

    /** Index of the first image or video placeholder in {@code ids}, or -1. */
    public int firstPlaceholder(int[] ids) {
        for (int i = 0; i < ids.length; i++) {
            if (isPlaceholder(ids[i])) {
                return i;
            }
        }
        return -1;
    }

    private boolean isPlaceholder(int id) {
        return id == imageToken || id == videoToken;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
