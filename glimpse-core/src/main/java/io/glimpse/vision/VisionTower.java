package io.glimpse.vision;

import com.fasterxml.jackson.databind.JsonNode;
import io.glimpse.io.Checkpoint;
import io.glimpse.io.GgufFile;
import io.glimpse.io.JsonFiles;
import io.glimpse.image.RgbImage;
import io.glimpse.io.BadInputException;
import io.glimpse.tokens.AttentionMaps;
import io.glimpse.tokens.FrameInfo;
import io.glimpse.tokens.TokenSet;
import io.glimpse.tokens.VisualTokens;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.IntStream;

/**
 * A CLIP or SigLIP vision transformer loaded from a Hugging Face checkpoint folder, computing what
 * transformers' CLIPVisionTransformer / SiglipVisionTransformer compute in float32 (transformers
 * {@code models/clip/modeling_clip.py}, {@code models/siglip/modeling_siglip.py}): patch embedding as one GEMM over flattened patches, CLS and position embeddings, pre-layernorm
 * (CLIP), pre-norm residual layers with unmasked multi-head attention (softmax in float32) and the configured MLP
 * activation, optional post-layernorm. Hidden states are numbered as HF's {@code hidden_states}; only the layers
 * the request needs are run.
 */
public final class VisionTower {
    private final VisionConfig cfg;
    private final VisionWeights w;
    private final Transformer layers;

    private VisionTower(VisionConfig cfg, VisionWeights w) {
        this.cfg = cfg;
        this.w = w;
        this.layers = new Transformer(cfg.hiddenSize(), cfg.heads(), cfg.intermediateSize(), cfg.activation());
    }

    /** Loads config.json and the safetensors weights (single file or sharded) of a checkpoint folder. */
    public static VisionTower load(Path dir) throws IOException {
        Path configFile = dir.resolve("config.json");
        if (!Files.isRegularFile(configFile)) {
            throw new BadInputException(dir + ": no config.json");
        }
        return load(Checkpoint.open(dir), JsonFiles.readObject(configFile), configFile);
    }

    /** The tower of an opened checkpoint whose config.json ({@code root}, read from {@code configFile}) describes it. */
    public static VisionTower load(Checkpoint ckpt, JsonNode root, Path configFile) {
        VisionConfig cfg = VisionConfig.parse(root, configFile);
        return new VisionTower(cfg, VisionWeights.of(cfg, ckpt, configFile));
    }

    /** The tower of a llama.cpp mmproj GGUF file ({@link GgufVision}). */
    public static VisionTower load(GgufFile mmproj) {
        VisionConfig cfg = GgufVision.config(mmproj);
        return new VisionTower(cfg, GgufVision.weights(cfg, mmproj));
    }

    public VisionConfig config() {
        return cfg;
    }

    /** The prefix under which this tower's tensors were found, e.g. {@code "vision_tower.vision_model."}. */
    public String tensorPrefix() {
        return w.prefix;
    }

    /**
     * Runs the tower on one preprocessed image.
     *
     * @param pixels channels×imageSize×imageSize, row-major (the processor's CHW output)
     */
    public VisionOutput forward(float[] pixels, EncodeOptions opt) {
        int s = cfg.imageSize();
        if (pixels.length != 3 * s * s) {
            throw new IllegalArgumentException("pixels hold " + pixels.length + " floats, the tower needs 3x" + s + "x" + s);
        }
        for (float v : pixels) {
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("pixels contain " + v);
            }
        }
        List<Integer> requested = opt.layers() == null ? cfg.featureLayers() : opt.layers();
        int[] featureIdx = requested.stream().mapToInt(this::hiddenIndex).toArray();
        int featureIndex = Arrays.stream(featureIdx).max().orElseThrow();
        if (featureIdx.length > 1 && (opt.tomeR() > 0 || opt.postLayerNorm())) {
            throw new BadInputException("several feature layers " + requested
                    + " combine with neither in-encoder ToMe nor post-layernorm");
        }
        float[][] picked = new float[featureIdx.length][];
        // Blocks are numbered from 1 as papers and AttentionScores count them: block b is encoder layer b-1.
        TreeSet<Integer> attnBlocks = new TreeSet<>();
        for (int b : opt.attentionLayers()) {
            attnBlocks.add(block(b));
        }
        TreeSet<Integer> keyBlocks = new TreeSet<>();
        for (int b : opt.keyLayers()) {
            keyBlocks.add(block(b));
        }
        int depth = Math.max(featureIndex, Math.max(attnBlocks.isEmpty() ? 0 : attnBlocks.last(),
                keyBlocks.isEmpty() ? 0 : keyBlocks.last()));
        int d = cfg.hiddenSize();
        int first = cfg.hasCls() ? 1 : 0;
        int t = cfg.sequenceLength();
        float[] x = embed(pixels);
        List<float[]> hidden = new ArrayList<>();
        if (opt.allHiddenStates()) {
            hidden.add(x.clone());
        }
        pick(picked, featureIdx, 0, x);
        Map<AttentionMaps.Key, float[]> attention = new LinkedHashMap<>();
        Map<Integer, float[]> full = new LinkedHashMap<>();
        Map<Integer, float[]> keys = new LinkedHashMap<>();
        int[] owner = new int[t];
        for (int i = 0; i < t; i++) {
            owner[i] = i;
        }
        float[] size = null;
        for (int l = 0; l < depth; l++) {
            int block = l + 1;
            AttentionHook hook = attnBlocks.contains(block) ? new AttentionHook(cfg.heads(), t, first, opt.fullAttention(), size) : null;
            boolean merge = opt.tomeR() > 0 && l < featureIndex;
            Transformer.Block b = layers.attention(w.layers[l], x, t, size, false, hook, merge || keyBlocks.contains(block));
            if (hook != null) {
                if (first == 1) {
                    attention.put(new AttentionMaps.Key(AttentionMaps.Kind.CLS, block), perPatch(hook.cls(), owner, size, first));
                }
                attention.put(new AttentionMaps.Key(AttentionMaps.Kind.RECEIVED, block), perPatch(hook.received(), owner, size, first));
                attention.put(new AttentionMaps.Key(AttentionMaps.Kind.GLOBAL, block), perPatch(hook.global(), owner, size, first));
                if (opt.fullAttention()) {
                    full.put(block, hook.full);
                }
            }
            if (keyBlocks.contains(block)) {
                keys.put(block, keyRowsPerPatch(b.keyMean(), owner, first, cfg.headDim()));
            }
            float[] h = b.h();
            if (merge) {
                TokenMerging.Plan plan = TokenMerging.plan(b.keyMean(), t, cfg.headDim(), opt.tomeR(), first == 1);
                float[] oldSize = size != null ? size : ones(t);
                size = new float[plan.count()];
                h = mergeRows(h, t, d, plan, oldSize, size);
                for (int i = 0; i < owner.length; i++) {
                    owner[i] = plan.target()[owner[i]];
                }
                t = plan.count();
            }
            x = layers.mlp(w.layers[l], h, t);
            if (opt.allHiddenStates() && l < featureIndex) {
                hidden.add(x.clone());
            }
            pick(picked, featureIdx, l + 1, x);
        }
        int tokens = picked[0].length / d;
        float[] features = concatRows(picked, tokens, d);
        if (opt.postLayerNorm()) {
            if (w.postLn == null) {
                throw new BadInputException("this vision tower has no post-layernorm");
            }
            w.postLn.apply(features, tokens, features);
        }
        int[] patchToken = new int[cfg.patches()];
        int[] sizes = new int[tokens];
        for (int i = 0; i < owner.length; i++) {
            sizes[owner[i]]++;
            if (i >= first) {
                patchToken[i - first] = owner[i];
            }
        }
        return new VisionOutput(tokens, d * picked.length, first == 1, features, hidden, AttentionMaps.of(attention, keys, cfg.headDim()), full, patchToken, sizes);
    }

    /** Block b as numbered from 1, a negative b counting from the end (-1 is the last). */
    private int block(int b) {
        int block = b < 0 ? cfg.layers() + 1 + b : b;
        if (block < 1 || block > cfg.layers()) {
            throw new BadInputException("attention block " + b + " is outside [1, " + cfg.layers() + "] (or [-"
                    + cfg.layers() + ", -1] from the end)");
        }
        return block;
    }

    /** The key row of each original patch's current token (a merged token's row repeated for its patches). */
    private static float[] keyRowsPerPatch(float[] keyMean, int[] owner, int first, int dk) {
        float[] out = new float[(owner.length - first) * dk];
        for (int p = 0; p < owner.length - first; p++) {
            System.arraycopy(keyMean, owner[p + first] * dk, out, p * dk, dk);
        }
        return out;
    }

    /**
     * Per-token attention values (patch tokens of the current sequence) as one value per original patch: each patch
     * gets an equal share of its token's value, so sums over patches equal sums over tokens.
     */
    private static float[] perPatch(float[] perToken, int[] owner, float[] size, int first) {
        float[] out = new float[owner.length - first];
        for (int p = 0; p < out.length; p++) {
            int k = owner[p + first];
            out[p] = size == null ? perToken[k - first] : perToken[k - first] / size[k];
        }
        return out;
    }

    /** Keeps a copy of hidden state {@code index} for every feature slot that asks for it. */
    private static void pick(float[][] picked, int[] featureIdx, int index, float[] x) {
        for (int k = 0; k < featureIdx.length; k++) {
            if (featureIdx[k] == index) {
                picked[k] = x.clone();
            }
        }
    }

    /** Row i of the result is row i of every part, side by side (LLaVA's concatenation of several layers). */
    private static float[] concatRows(float[][] parts, int rows, int d) {
        if (parts.length == 1) {
            return parts[0];
        }
        int width = d * parts.length;
        float[] out = new float[rows * width];
        for (int i = 0; i < rows; i++) {
            for (int k = 0; k < parts.length; k++) {
                System.arraycopy(parts[k], i * d, out, i * width + k * d, d);
            }
        }
        return out;
    }

    /**
     * Preprocesses and encodes one image or video frame.
     *
     * @throws IllegalArgumentException when the processor's output size is not the tower's image size
     */
    public EncodedImage encode(RgbImage image, ImageProcessor processor, EncodeOptions opt) {
        int s = cfg.imageSize();
        int w = processor.outputWidth(image.width(), image.height());
        int h = processor.outputHeight(image.width(), image.height());
        if (w != s || h != s) {
            throw new BadInputException("the image processor makes " + w + "x" + h + " images but the tower takes "
                    + s + "x" + s);
        }
        return toTokens(forward(processor.process(image), opt), image.timestamp());
    }

    /**
     * Gives back this process's pages of the layers' weight matrices where they are views of the mapped checkpoint or
     * mmproj; the next encode reads them again from the file, which the page cache still holds. A VLM needs its tower
     * once per image but its decoder on every token, so a caller that encodes and then decodes for a long time keeps
     * its peak resident memory at the larger of the two instead of their sum (CLIP-L/336 in bf16: 0.6 GB).
     */
    public void releasePages() {
        for (EncoderLayer layer : w.layers) {
            layer.releasePages();
        }
    }

    /** Encodes images or video frames one after another into one multi-frame TokenSet (frame order kept). */
    public VisualTokens encodeFrames(List<RgbImage> images, ImageProcessor processor, EncodeOptions opt) {
        List<VisualTokens> each = new ArrayList<>(images.size());
        for (RgbImage image : images) {
            each.add(encode(image, processor, opt).visual());
        }
        return VisualTokens.ofFrames(each);
    }

    /**
     * The patch rows of a pass as a TokenSet on the tower's patch grid (the CLS row stays in the output only); after
     * in-encoder ToMe, each merged group is one token of its size, anchored at its first patch.
     */
    public EncodedImage toTokens(VisionOutput out, double timestamp) {
        int g = cfg.gridSize();
        int d = out.dim();
        int first = out.hasCls() ? 1 : 0;
        int n = cfg.patches();
        List<FrameInfo> frames = List.of(new FrameInfo(timestamp, g, g, cfg.imageSize(), cfg.imageSize(), 0, -1));
        float[] rows = Arrays.copyOfRange(out.features(), first * d, out.tokens() * d);
        TokenSet tokens;
        if (out.tokens() - first == n) {
            tokens = TokenSet.fromGrid(rows, d, frames);
        } else {
            int m = out.tokens() - first;
            int[] target = new int[n];
            int[] anchor = new int[m];
            Arrays.fill(anchor, -1);
            for (int p = 0; p < n; p++) {
                target[p] = out.patchToken()[p] - first;
                if (anchor[target[p]] < 0) {
                    anchor[target[p]] = p;
                }
            }
            tokens = TokenSet.fromGrid(new float[n * d], d, frames).regroupWith(target, m, anchor, rows);
        }
        return new EncodedImage(tokens, out.attention(), out);
    }

    /**
     * The tower's pooled output (HF {@code pooler_output}): post_layernorm of the CLS row for CLIP, the
     * attention-pooling head over the post-layernormed sequence for SigLIP.
     *
     * @throws IllegalStateException for a SigLIP tower without a head ({@code vision_use_head} false)
     */
    public float[] pooledOutput(float[] pixels) {
        if (!cfg.hasCls() && w.head == null) {
            throw new IllegalStateException("this SigLIP tower has no pooling head (vision_use_head is false)");
        }
        VisionOutput out = forward(pixels, EncodeOptions.defaults().withLayer(-1).withPostLayerNorm(true));
        return cfg.hasCls() ? out.cls() : w.head.pool(out.features(), out.tokens());
    }

    /** hidden_states index for a possibly negative feature layer. */
    private int hiddenIndex(int layer) {
        int n = cfg.layers();
        int idx = layer < 0 ? n + 1 + layer : layer;
        if (idx < 0 || idx > n) {
            throw new BadInputException("feature layer " + layer + " is outside [-" + (n + 1) + ", " + n + "] for "
                    + n + " layers");
        }
        return idx;
    }

    /** Size-weighted means of the rows each merged token gathers (ToMe's merge_wavg); fills newSize. */
    private static float[] mergeRows(float[] h, int t, int d, TokenMerging.Plan plan, float[] oldSize, float[] newSize) {
        float[] merged = new float[plan.count() * d];
        for (int i = 0; i < t; i++) {
            int g = plan.target()[i];
            newSize[g] += oldSize[i];
            for (int k = 0; k < d; k++) {
                merged[g * d + k] += h[i * d + k] * oldSize[i];
            }
        }
        for (int g = 0; g < plan.count(); g++) {
            for (int k = 0; k < d; k++) {
                merged[g * d + k] /= newSize[g];
            }
        }
        return merged;
    }

    private static float[] ones(int n) {
        float[] o = new float[n];
        Arrays.fill(o, 1f);
        return o;
    }

    /** Patch embedding (conv with kernel = stride = P as a GEMM over patches flattened in (c, y, x) order), CLS, positions, pre-LN. */
    private float[] embed(float[] pixels) {
        int s = cfg.imageSize();
        int p = cfg.patchSize();
        int g = cfg.gridSize();
        int d = cfg.hiddenSize();
        int kdim = 3 * p * p;
        int n = g * g;
        float[] patches = new float[n * kdim];
        for (int r = 0; r < g; r++) {
            for (int c = 0; c < g; c++) {
                int base = (r * g + c) * kdim;
                for (int ch = 0; ch < 3; ch++) {
                    for (int y = 0; y < p; y++) {
                        System.arraycopy(pixels, (ch * s + r * p + y) * s + c * p, patches, base + (ch * p + y) * p, p);
                    }
                }
            }
        }
        int first = cfg.hasCls() ? 1 : 0;
        float[] x = new float[(n + first) * d];
        w.patch.apply(patches, 0, n, x, first * d);
        if (w.classEmb != null) {
            System.arraycopy(w.classEmb, 0, x, 0, d);
        }
        for (int i = 0; i < x.length; i++) {
            x[i] += w.posEmb[i];
        }
        if (w.preLn != null) {
            w.preLn.apply(x, n + first, x);
        }
        return x;
    }

}
