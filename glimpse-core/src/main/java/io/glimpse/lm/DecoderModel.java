package io.glimpse.lm;

import com.fasterxml.jackson.databind.JsonNode;
import io.glimpse.io.Checkpoint;
import io.glimpse.io.JsonFiles;
import io.glimpse.io.BadInputException;
import io.glimpse.tensor.Gemm;
import io.glimpse.tensor.Softmax;
import io.glimpse.tensor.VectorOps;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * A Qwen2 or Llama decoder in float32 (research/model-formats.md §5.3): pre-norm blocks of RMSNorm, grouped-query
 * attention with rotary positions, SwiGLU MLP, then a final RMSNorm and the LM head. Prompts run as one prefill
 * through the GEMM kernel; generated tokens run one at a time against the {@link KvCache}.
 *
 * <p>Inputs are embedding rows, so visual tokens can be spliced between text embeddings ({@link #embed}), and
 * every row carries an explicit position id, so pruned sequences can keep their original positions or be
 * re-compacted. A cache made with a {@link RotaryLayout} applies an opt-in rotary scheme (Vista-LLaMA, TC-LLaVA) to its
 * prefill and decode steps. Tensor names may carry any of the prefixes {@code model.}, {@code language_model.model.} or
 * {@code model.language_model.} (§1.3); lm_head.weight is used when present, else the embeddings (tied).
 *
 * <p>The model is immutable and may serve several conversations at once, each with its own {@link KvCache}.
 */
public final class DecoderModel {
    /** Query rows per attention block, bounding the score matrix to this many rows times the keys. */
    private static final int QUERY_BLOCK = 128;
    /** At or below this many rows a linear layer is a matrix-vector product, without packing the weight. */
    private static final int GEMV_ROWS = 2;

    private static final List<String[]> LAYOUTS = List.of(
            new String[] {"model.", "lm_head.weight"},
            new String[] {"language_model.model.", "language_model.lm_head.weight"},
            new String[] {"model.language_model.", "lm_head.weight"});

    private record Layer(float[] inputNorm, float[] qkv, float[] qkvBias, float[] o, float[] oBias, float[] postNorm,
                         float[] gateUp, float[] gateUpBias, float[] down, float[] downBias) {
    }

    private final DecoderConfig config;
    private final float[] embeddings;
    private final float[] head;
    private final float[] finalNorm;
    private final Layer[] layers;
    private final Rope rope;
    private final Gemm gemm = Gemm.get();
    private final VectorOps ops = VectorOps.get();

    private DecoderModel(DecoderConfig config, float[] embeddings, float[] head, float[] finalNorm, Layer[] layers) {
        this.config = config;
        this.embeddings = embeddings;
        this.head = head;
        this.finalNorm = finalNorm;
        this.layers = layers;
        this.rope = new Rope(config);
    }

    /** Loads config.json and the safetensors weights of a checkpoint folder. */
    public static DecoderModel load(Path dir) throws IOException {
        Path configFile = dir.resolve("config.json");
        return load(Checkpoint.open(dir), JsonFiles.readObject(configFile), configFile);
    }

    /** The decoder of an opened checkpoint whose config.json ({@code root}, read from {@code configFile}) describes it. */
    public static DecoderModel load(Checkpoint ckpt, JsonNode root, Path configFile) {
        return load(DecoderConfig.of(root, configFile), new Weights(ckpt, configFile));
    }

    private static DecoderModel load(DecoderConfig c, Weights t) {
        String[] layout = LAYOUTS.stream().filter(l -> t.has(l[0] + "embed_tokens.weight")).findFirst()
                .orElseThrow(() -> new BadInputException(t.source() + ": no decoder embeddings (looked for "
                        + LAYOUTS.stream().map(l -> l[0] + "embed_tokens.weight").toList() + ")"));
        String p = layout[0];
        int d = c.hiddenSize();
        int q = c.heads() * c.headDim();
        int kv = c.kvHeads() * c.headDim();
        int inter = c.intermediateSize();
        float[] embeddings = t.floats(p + "embed_tokens.weight", c.vocabSize(), d);
        float[] head = t.has(layout[1]) ? t.floats(layout[1], c.vocabSize(), d) : embeddings;
        // Grown one loaded layer at a time, so an absurd num_hidden_layers fails on a missing tensor, not an allocation.
        List<Layer> loaded = new java.util.ArrayList<>();
        for (int i = 0; i < c.layers(); i++) {
            String l = p + "layers." + i + ".";
            String a = l + "self_attn.";
            String m = l + "mlp.";
            loaded.add(new Layer(
                    t.floats(l + "input_layernorm.weight", d),
                    concat(t.floats(a + "q_proj.weight", q, d), t.floats(a + "k_proj.weight", kv, d), t.floats(a + "v_proj.weight", kv, d)),
                    c.qkvBias() ? concat(t.floats(a + "q_proj.bias", q), t.floats(a + "k_proj.bias", kv), t.floats(a + "v_proj.bias", kv)) : null,
                    t.floats(a + "o_proj.weight", d, q),
                    c.oBias() ? t.floats(a + "o_proj.bias", d) : null,
                    t.floats(l + "post_attention_layernorm.weight", d),
                    concat(t.floats(m + "gate_proj.weight", inter, d), t.floats(m + "up_proj.weight", inter, d)),
                    c.mlpBias() ? concat(t.floats(m + "gate_proj.bias", inter), t.floats(m + "up_proj.bias", inter)) : null,
                    t.floats(m + "down_proj.weight", d, inter),
                    c.mlpBias() ? t.floats(m + "down_proj.bias", d) : null));
        }
        return new DecoderModel(c, embeddings, head, t.floats(p + "norm.weight", d), loaded.toArray(new Layer[0]));
    }

    /**
     * A model of the given shape with seeded random weights (uniform, scaled by fan-in; norms at 1; tied head), for
     * benchmarks that need a real-sized decoder without a checkpoint.
     */
    public static DecoderModel random(DecoderConfig c, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int d = c.hiddenSize();
        int q = c.heads() * c.headDim();
        int qkv = q + 2 * c.kvHeads() * c.headDim();
        int inter = c.intermediateSize();
        Layer[] layers = new Layer[c.layers()];
        for (int i = 0; i < layers.length; i++) {
            layers[i] = new Layer(ones(d), uniform(random, qkv * d, d), c.qkvBias() ? uniform(random, qkv, d) : null,
                    uniform(random, d * q, q), c.oBias() ? uniform(random, d, q) : null, ones(d),
                    uniform(random, 2 * inter * d, d), c.mlpBias() ? uniform(random, 2 * inter, d) : null,
                    uniform(random, d * inter, inter), c.mlpBias() ? uniform(random, d, inter) : null);
        }
        float[] embeddings = uniform(random, Math.multiplyExact(c.vocabSize(), d), 1);
        return new DecoderModel(c, embeddings, embeddings, ones(d), layers);
    }

    private static float[] ones(int n) {
        float[] a = new float[n];
        Arrays.fill(a, 1f);
        return a;
    }

    private static float[] uniform(SplittableRandom random, int n, int fanIn) {
        float bound = (float) Math.sqrt(3.0 / fanIn);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) random.nextDouble(-bound, bound);
        }
        return a;
    }

    private static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] part : parts) {
            n += part.length;
        }
        float[] out = new float[n];
        int at = 0;
        for (float[] part : parts) {
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        return out;
    }

    public DecoderConfig config() {
        return config;
    }

    /** An empty cache for up to {@code capacity} tokens. */
    public KvCache newCache(int capacity) {
        return newCache(capacity, null);
    }

    /**
     * An empty cache for up to {@code capacity} tokens whose prefill and decode steps follow {@code layout} (an opt-in
     * rotary scheme; null for plain RoPE).
     */
    public KvCache newCache(int capacity, RotaryLayout layout) {
        return new KvCache(config.layers(), config.kvHeads(), config.headDim(), capacity, layout);
    }

    /** Embedding rows [ids.length × hidden] of token ids. */
    public float[] embed(int[] ids) {
        int d = config.hiddenSize();
        float[] out = new float[ids.length * d];
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= config.vocabSize()) {
                throw new IllegalArgumentException("token id " + ids[i] + " at " + i + " is outside [0, " + config.vocabSize() + ")");
            }
            System.arraycopy(embeddings, ids[i] * d, out, i * d, d);
        }
        return out;
    }

    /**
     * Embeddings of {@code ids} with every occurrence of {@code placeholder} replaced, in order, by the next row of
     * {@code features} ([rows × hidden]), as the LLaVA models merge visual features (research/model-formats.md §4.2).
     *
     * @throws IllegalArgumentException when the placeholder count differs from the feature rows
     */
    public float[] embedWith(int[] ids, int placeholder, float[] features) {
        int d = config.hiddenSize();
        if (features.length % d != 0) {
            throw new IllegalArgumentException(features.length + " feature values are not whole rows of width " + d);
        }
        int rows = features.length / d;
        int slots = (int) Arrays.stream(ids).filter(id -> id == placeholder).count();
        if (slots != rows) {
            throw new IllegalArgumentException("prompt has " + slots + " placeholders (id " + placeholder + ") for "
                    + rows + " feature rows");
        }
        float[] out = embed(ids);
        int next = 0;
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] == placeholder) {
                System.arraycopy(features, next++ * d, out, i * d, d);
            }
        }
        return out;
    }

    /** Consecutive position ids for {@code count} tokens that follow what the cache holds. */
    public static int[] nextPositions(KvCache cache, int count) {
        int[] p = new int[count];
        for (int i = 0; i < count; i++) {
            p[i] = cache.nextPosition() + i;
        }
        return p;
    }

    /** Prefill without pruning; see {@link #forward(KvCache, float[], int[], int, LayerPruner)}. */
    public float[] forward(KvCache cache, float[] inputs, int[] positions, int logitRows) {
        return forward(cache, inputs, positions, logitRows, null, null);
    }

    /**
     * Runs the rows of {@code inputs} ([positions.length × hidden]) after what {@code cache} holds, appends their
     * keys and values to it, and returns the logits of the last {@code logitRows} rows that survive pruning
     * ([logitRows × vocab]). Afterwards the cache's next position is one past the largest position given (less
     * the rows dropped when the pruner re-compacts). Bad arguments are rejected before the cache changes; a pruner
     * that fails part-way leaves the cache half-updated, so it should then be discarded.
     */
    public float[] forward(KvCache cache, float[] inputs, int[] positions, int logitRows, LayerPruner pruner) {
        return forward(cache, inputs, positions, logitRows, pruner, null);
    }

    /**
     * As {@link #forward(KvCache, float[], int[], int, LayerPruner)}, with {@code mask} (null = causal) deciding which
     * of the call's rows each row attends to; every row also sees all cached slots. A frame-wise block-causal mask
     * (TC-LLaVA, {@link io.glimpse.lm.AttentionMasks#frameBlockCausal}) is opt-in: checkpoints not fine-tuned for
     * it see attention they were never trained on. Pruned rows leave the mask with their keys.
     */
    public float[] forward(KvCache cache, float[] inputs, int[] positions, int logitRows, LayerPruner pruner, AttentionMask mask) {
        int d = config.hiddenSize();
        int n = positions.length;
        if (n == 0 || inputs.length != n * d) {
            throw new IllegalArgumentException("inputs hold " + inputs.length + " floats for " + n + " positions of width " + d
                    + " (need at least one row)");
        }
        if (cache.kvHeads != config.kvHeads() || cache.headDim != config.headDim() || cache.keys.length != layers.length) {
            throw new IllegalArgumentException("cache was made for another model shape");
        }
        for (int i = 0; i < inputs.length; i++) {
            if (!Float.isFinite(inputs[i])) {
                throw new IllegalArgumentException("input row " + i / d + " holds " + inputs[i]);
            }
        }
        int next = cache.nextPosition();
        for (int i = 0; i < n; i++) {
            if (positions[i] < 0) {
                throw new IllegalArgumentException("position ids must be non-negative, got " + positions[i] + " at " + i);
            }
            next = Math.max(next, positions[i] + 1);
        }
        if (logitRows < 1) {
            throw new IllegalArgumentException("logitRows must be positive, got " + logitRows);
        }
        if (mask != null && mask.length() != n) {
            throw new IllegalArgumentException("attention mask covers " + mask.length() + " rows, the call has " + n);
        }
        if (cache.layout != null && pruner != null) {
            throw new IllegalArgumentException("a cache with a " + cache.layout.kind() + " rotary layout tells rows apart by "
                    + "position id, which in-LLM pruning does not keep; use one or the other");
        }
        int[] visibleRows = new int[n];
        Arrays.setAll(visibleRows, r -> mask == null ? r + 1 : mask.visibleEnd(r));
        float[] x = inputs.clone();
        int[] pos = positions.clone();
        int[] original = new int[n];
        Arrays.setAll(original, i -> i);
        LayerAttention seen = null;
        for (int l = 0; l < layers.length; l++) {
            if (seen != null) {
                int[] kept = checkedKeep(pruner.keep(l, seen), n);
                x = gatherRows(x, kept, d);
                if (pruner.positions() == PositionPolicy.RECOMPACT) {
                    next -= n - kept.length;
                }
                pos = pruner.positions().apply(pos, kept);
                int[] before = original;
                original = Arrays.stream(kept).map(r -> before[r]).toArray();
                int[] visibleBefore = visibleRows;
                visibleRows = Arrays.stream(kept).map(r -> lowerBound(kept, visibleBefore[r])).toArray();
                n = kept.length;
            }
            boolean record = pruner != null && l + 1 < layers.length && pruner.actsBefore(l + 1);
            seen = block(l, cache, x, pos, original, visibleRows, record);
        }
        cache.setNextPosition(next);
        if (logitRows > n) {
            throw new IllegalArgumentException("logitRows " + logitRows + " exceeds the " + n + " rows left after pruning");
        }
        float[] last = Arrays.copyOfRange(x, (n - logitRows) * d, n * d);
        rmsNorm(last, logitRows, finalNorm, last);
        float[] logits = new float[logitRows * config.vocabSize()];
        linear(last, logitRows, d, head, config.vocabSize(), null, logits);
        return logits;
    }

    /** Decodes one token at the cache's next position and returns its logits [vocab]. */
    public float[] step(KvCache cache, int token) {
        return forward(cache, embed(new int[] {token}), new int[] {cache.nextPosition()}, 1);
    }

    /** Entries of the ascending {@code sorted} below {@code bound}. */
    private static int lowerBound(int[] sorted, int bound) {
        int i = Arrays.binarySearch(sorted, bound);
        return i >= 0 ? i : -i - 1;
    }

    private static int[] checkedKeep(int[] kept, int n) {
        if (kept.length == 0) {
            throw new IllegalStateException("pruner kept no rows");
        }
        for (int i = 0; i < kept.length; i++) {
            if (kept[i] < 0 || kept[i] >= n || (i > 0 && kept[i] <= kept[i - 1])) {
                throw new IllegalStateException("pruner returned rows " + Arrays.toString(kept) + ", not ascending within [0, " + n + ")");
            }
        }
        return kept;
    }

    private static float[] gatherRows(float[] x, int[] rows, int width) {
        float[] out = new float[rows.length * width];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(x, rows[i] * width, out, i * width, width);
        }
        return out;
    }

    /**
     * One decoder layer over the rows whose original indices are given, updating x in place and appending to the
     * cache; returns the layer's attention when asked to record it, else null.
     */
    private LayerAttention block(int l, KvCache cache, float[] x, int[] pos, int[] original, int[] visibleRows, boolean record) {
        Layer w = layers[l];
        int n = original.length;
        int d = config.hiddenSize();
        int hd = config.headDim();
        int qw = config.heads() * hd;
        int kvw = config.kvHeads() * hd;
        int qkvw = qw + 2 * kvw;
        int past = cache.length[l];
        if (past + n > cache.capacity) {
            throw new IllegalStateException("KV cache of " + cache.capacity + " tokens cannot take " + n + " more after " + past);
        }
        float[] h = new float[n * d];
        rmsNorm(x, n, w.inputNorm, h);
        float[] qkv = new float[n * qkvw];
        linear(h, n, d, w.qkv, qkvw, w.qkvBias, qkv);
        RotaryLayout layout = cache.layout;
        float[] rawQkv = cache.rawKeys != null ? qkv.clone() : null;
        for (int r = 0; r < n; r++) {
            if (layout == null) {
                rope.apply(qkv, r * qkvw, config.heads() + config.kvHeads(), pos[r]);
            } else {
                rope.apply(qkv, r * qkvw, config.heads() + config.kvHeads(), layout.rotation(pos[r]));
            }
            for (int g = 0; g < config.kvHeads(); g++) {
                if (rawQkv != null) {
                    System.arraycopy(rawQkv, r * qkvw + qw + g * hd, cache.rawKeys[l], cache.slot(g, past + r), hd);
                }
                System.arraycopy(qkv, r * qkvw + qw + g * hd, cache.keys[l], cache.slot(g, past + r), hd);
                System.arraycopy(qkv, r * qkvw + qw + kvw + g * hd, cache.values[l], cache.slot(g, past + r), hd);
            }
        }
        cache.length[l] = past + n;
        if (cache.slotPositions != null) {
            System.arraycopy(pos, 0, cache.slotPositions, past, n);
        }
        float[] lastRow = record ? new float[past + n] : null;
        float[] attended = attention(l, cache, qkv, rawQkv, qkvw, past, pos, visibleRows, lastRow);
        float[] projected = new float[n * d];
        linear(attended, n, qw, w.o, d, w.oBias, projected);
        addInto(x, projected);
        rmsNorm(x, n, w.postNorm, h);
        int inter = config.intermediateSize();
        float[] gateUp = new float[n * 2 * inter];
        linear(h, n, d, w.gateUp, 2 * inter, w.gateUpBias, gateUp);
        float[] act = new float[n * inter];
        for (int r = 0; r < n; r++) {
            int g = r * 2 * inter;
            int a = r * inter;
            for (int i = 0; i < inter; i++) {
                act[a + i] = -gateUp[g + i];
            }
            ops.expShifted(act, a, inter, 0f);
            for (int i = 0; i < inter; i++) {
                act[a + i] = gateUp[g + i] / (1f + act[a + i]) * gateUp[g + inter + i];
            }
        }
        linear(act, n, inter, w.down, d, w.downBias, projected);
        addInto(x, projected);
        return record ? new LayerAttention(gemm, cache, l, qkv, qkvw, config.heads(), config.groupSize(), past, original, visibleRows, lastRow) : null;
    }

    /**
     * Grouped-query attention of the new rows over the cache: query row r sees slots 0..past+visibleRows[r]-1
     * (past + r for a causal mask). Returns [n × heads·headDim]; adds the last row's head-mean probabilities to {@code lastAttention}
     * unless it is null (summed in head order, so the result does not depend on threads).
     */
    private float[] attention(int l, KvCache cache, float[] qkv, float[] rawQkv, int qkvw, int past, int[] pos, int[] visibleRows,
                              float[] lastAttention) {
        int heads = config.heads();
        int n = visibleRows.length;
        float[] out = new float[n * heads * config.headDim()];
        float[][] lastRows = new float[heads][];
        if (n <= GEMV_ROWS) {
            IntStream.range(0, heads).parallel().forEach(h -> lastRows[h] = attendByRows(l, cache, qkv, rawQkv, qkvw, past, pos, visibleRows, h, out));
        } else {
            for (int h = 0; h < heads; h++) {
                lastRows[h] = attendByGemm(l, cache, qkv, rawQkv, qkvw, past, pos, visibleRows, h, out);
            }
        }
        if (lastAttention != null) {
            for (float[] row : lastRows) {
                for (int j = 0; j < row.length; j++) {
                    lastAttention[j] += row[j] / heads;
                }
            }
        }
        return out;
    }

    /** One head over a few rows with dot products against the cache, reading each key once (decode). */
    private float[] attendByRows(int l, KvCache cache, float[] qkv, float[] rawQkv, int qkvw, int past, int[] pos, int[] visibleRows,
                                 int h, float[] out) {
        int n = visibleRows.length;
        int hd = config.headDim();
        int kvOffset = cache.slot(h / config.groupSize(), 0);
        float scale = (float) (1.0 / Math.sqrt(hd));
        float[] p = null;
        for (int r = 0; r < n; r++) {
            int visible = past + visibleRows[r];
            p = new float[visible];
            for (int j = 0; j < visible; j++) {
                p[j] = ops.dot(qkv, r * qkvw + h * hd, cache.keys[l], kvOffset + j * hd, hd) * scale;
            }
            unrotatedScores(l, cache, rawQkv, r * qkvw + h * hd, pos[r], kvOffset, visible, scale, p, 0);
            Softmax.inPlace(p, 0, visible);
            int o = (r * config.heads() + h) * hd;
            for (int j = 0; j < visible; j++) {
                ops.axpy(p[j], cache.values[l], kvOffset + j * hd, out, o, hd);
            }
        }
        return p;
    }

    /** One head over many rows: blocks of queries against all visible keys through the GEMM kernel (prefill). */
    private float[] attendByGemm(int l, KvCache cache, float[] qkv, float[] rawQkv, int qkvw, int past, int[] pos, int[] visibleRows,
                                 int h, float[] out) {
        int n = visibleRows.length;
        int hd = config.headDim();
        int heads = config.heads();
        int kvOffset = cache.slot(h / config.groupSize(), 0);
        float scale = (float) (1.0 / Math.sqrt(hd));
        int block = Math.min(QUERY_BLOCK, n);
        float[] q = new float[block * hd];
        float[] scores = new float[block * (past + n)];
        float[] o = new float[block * hd];
        float[] last = null;
        for (int r0 = 0; r0 < n; r0 += block) {
            int rows = Math.min(block, n - r0);
            int keys = past;
            for (int r = r0; r < r0 + rows; r++) {
                keys = Math.max(keys, past + visibleRows[r]);
            }
            for (int r = 0; r < rows; r++) {
                System.arraycopy(qkv, (r0 + r) * qkvw + h * hd, q, r * hd, hd);
            }
            gemm.multiplyTransposed(rows, keys, hd, q, 0, cache.keys[l], kvOffset, scores, 0);
            for (int r = 0; r < rows; r++) {
                int visible = past + visibleRows[r0 + r];
                int base = r * keys;
                for (int j = 0; j < visible; j++) {
                    scores[base + j] *= scale;
                }
                unrotatedScores(l, cache, rawQkv, (r0 + r) * qkvw + h * hd, pos[r0 + r], kvOffset, visible, scale, scores, base);
                Softmax.inPlace(scores, base, visible);
                Arrays.fill(scores, base + visible, base + keys, 0f);
            }
            gemm.multiply(rows, hd, keys, scores, 0, cache.values[l], kvOffset, o, 0);
            for (int r = 0; r < rows; r++) {
                System.arraycopy(o, r * hd, out, ((r0 + r) * heads + h) * hd, hd);
            }
            if (r0 + rows == n) {
                last = Arrays.copyOfRange(scores, (rows - 1) * keys, rows * keys);
            }
        }
        return last;
    }

    /**
     * Under Vista, replaces a text query's scores over visual keys by the plain q·k of the unrotated vectors (a no-op
     * without raw vectors or for a visual query).
     */
    private void unrotatedScores(int l, KvCache cache, float[] rawQkv, int qOffset, int queryPosition, int kvOffset, int visible,
                                 float scale, float[] scores, int base) {
        if (rawQkv == null || cache.layout.visual(queryPosition)) {
            return;
        }
        int hd = config.headDim();
        for (int j = 0; j < visible; j++) {
            if (cache.layout.unrotated(queryPosition, cache.slotPositions[j])) {
                scores[base + j] = ops.dot(rawQkv, qOffset, cache.rawKeys[l], kvOffset + j * hd, hd) * scale;
            }
        }
    }

    private void rmsNorm(float[] x, int rows, float[] weight, float[] out) {
        int d = weight.length;
        for (int r = 0; r < rows; r++) {
            float inv = (float) (1.0 / Math.sqrt(ops.sumSquares(x, r * d, d) / d + config.rmsNormEps()));
            for (int i = 0; i < d; i++) {
                out[r * d + i] = weight[i] * (x[r * d + i] * inv);
            }
        }
    }

    /** y[rows × out] = x[rows × in] · Wᵀ (+ bias), W stored [out × in] as in the checkpoint. */
    private void linear(float[] x, int rows, int in, float[] w, int outWidth, float[] bias, float[] y) {
        if (rows <= GEMV_ROWS) {
            MatVec.multiplyTransposed(ops, rows, outWidth, in, x, w, y);
        } else {
            gemm.multiplyTransposed(rows, outWidth, in, x, 0, w, 0, y, 0);
        }
        if (bias != null) {
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < outWidth; j++) {
                    y[r * outWidth + j] += bias[j];
                }
            }
        }
    }

    private static void addInto(float[] x, float[] delta) {
        for (int i = 0; i < x.length; i++) {
            x[i] += delta[i];
        }
    }

    /** The checkpoint with the config its shapes come from, so messages name both. */
    private record Weights(Checkpoint ckpt, Path config) {
        boolean has(String name) {
            return ckpt.has(name);
        }

        float[] floats(String name, long... shape) {
            return ckpt.floats(name, config, shape);
        }

        Path source() {
            return ckpt.anyFile();
        }
    }
}
