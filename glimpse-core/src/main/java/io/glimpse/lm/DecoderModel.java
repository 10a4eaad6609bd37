package io.glimpse.lm;

import com.fasterxml.jackson.databind.JsonNode;
import io.glimpse.io.Checkpoint;
import io.glimpse.io.GgufFile;
import io.glimpse.io.JsonFiles;
import io.glimpse.nn.Activation;
import io.glimpse.nn.Rows;
import io.glimpse.tensor.WeightFormat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * A Qwen2 or Llama decoder in float32 (transformers Qwen2ForCausalLM / LlamaForCausalLM): pre-norm blocks of RMSNorm,
 * grouped-query attention with rotary positions, SwiGLU MLP, then a final RMSNorm and the LM head. Prompts run as
 * one prefill through the GEMM kernel; generated tokens run one at a time against the {@link KvCache}.
 *
 * <p>Inputs are embedding rows, so visual tokens can be spliced between text embeddings ({@link #embed}), and
 * every row carries an explicit position id, so pruned sequences can keep their original positions or be
 * re-compacted. A cache made with a {@link RotaryLayout} applies an opt-in rotary scheme (Vista-LLaMA, TC-LLaVA) to its
 * prefill and decode steps. Weights and their checkpoint layouts are {@link DecoderWeights}.
 *
 * <p>The model is immutable and may serve several conversations at once, each with its own {@link KvCache}.
 */
public final class DecoderModel {
    private final DecoderConfig config;
    private final DecoderWeights weights;
    private final Rope rope;
    private final DecoderAttention attention;

    DecoderModel(DecoderConfig config, DecoderWeights weights) {
        this.config = config;
        this.weights = weights;
        this.rope = new Rope(config, weights.ropeFactors(), weights.interleavedRope());
        this.attention = new DecoderAttention(config);
    }

    /** Loads config.json and the safetensors weights of a checkpoint folder, weights as stored. */
    public static DecoderModel load(Path dir) throws IOException {
        Path configFile = dir.resolve("config.json");
        return load(Checkpoint.open(dir), JsonFiles.readObject(configFile), configFile, null);
    }

    /**
     * The decoder of an opened checkpoint whose config.json ({@code root}, read from {@code configFile}) describes it,
     * its matrices in {@code format} ({@code --weights}; null keeps them as stored).
     */
    public static DecoderModel load(Checkpoint ckpt, JsonNode root, Path configFile, WeightFormat format) {
        DecoderConfig c = DecoderConfig.of(root, configFile);
        return new DecoderModel(c, DecoderWeights.load(c, ckpt, configFile, format));
    }

    /** The decoder of a GGUF file (llama or qwen2 architecture), its matrices in {@code format} (null: as stored). */
    public static DecoderModel load(GgufFile gguf, WeightFormat format) {
        DecoderConfig c = GgufDecoder.config(gguf);
        return new DecoderModel(c, GgufDecoder.weights(c, gguf, format));
    }

    /** Bytes of the weight matrices one decoded token reads (every layer's projections and the head). */
    public long weightBytes() {
        return weights.matrixBytes();
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
        return newCache(capacity, layout, KvPrecision.F32);
    }

    /** As {@link #newCache(int, RotaryLayout)}, keys and values stored in {@code precision} ({@code --kv}). */
    public KvCache newCache(int capacity, RotaryLayout layout, KvPrecision precision) {
        return new KvCache(config.layers(), config.kvHeads(), config.headDim(), capacity, layout, precision);
    }

    /** Embedding rows [ids.length × hidden] of token ids. */
    public float[] embed(int[] ids) {
        int d = config.hiddenSize();
        float[] out = new float[ids.length * d];
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= config.vocabSize()) {
                throw new IllegalArgumentException("token id " + ids[i] + " at " + i + " is outside [0, " + config.vocabSize() + ")");
            }
            weights.embeddings().dequantize(ids[i], 1, out, i * d);
        }
        return out;
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
     * (TC-LLaVA, {@link AttentionMasks#frameBlockCausal}) is opt-in: checkpoints not fine-tuned for it see attention
     * they were never trained on. Pruned rows leave the mask with their keys; a mask with holes (a draft tree,
     * {@link AttentionMasks#tree}) takes no pruner.
     */
    public float[] forward(KvCache cache, float[] inputs, int[] positions, int logitRows, LayerPruner pruner, AttentionMask mask) {
        int d = config.hiddenSize();
        int n = positions.length;
        int layers = weights.layers().length;
        if (n == 0 || inputs.length != n * d) {
            throw new IllegalArgumentException("inputs hold " + inputs.length + " floats for " + n + " positions of width " + d
                    + " (need at least one row)");
        }
        if (!cache.fits(layers, config.kvHeads(), config.headDim())) {
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
        if (mask != null && mask.hasHoles() && pruner != null) {
            throw new IllegalArgumentException("a mask with holes (a draft tree) does not follow rows that pruning drops");
        }
        if (cache.layout() != null && pruner != null) {
            throw new IllegalArgumentException("a cache with a " + cache.layout().kind() + " rotary layout tells rows apart by "
                    + "position id, which in-LLM pruning does not keep; use one or the other");
        }
        int[] visibleRows = new int[n];
        Arrays.setAll(visibleRows, r -> mask == null ? r + 1 : mask.visibleEnd(r));
        float[] x = inputs.clone();
        int[] pos = positions.clone();
        int[] original = new int[n];
        Arrays.setAll(original, i -> i);
        LayerAttention seen = null;
        Buffers buffers = new Buffers(n);
        for (int l = 0; l < layers; l++) {
            if (seen != null) {
                int[] kept = checkedKeep(pruner.keep(l, seen), n);
                x = Rows.gather(x, kept, d);
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
            boolean record = pruner != null && l + 1 < layers && pruner.actsBefore(l + 1);
            seen = block(l, cache, x, pos, original, visibleRows, mask != null && mask.hasHoles() ? mask : null, record, buffers);
        }
        cache.setNextPosition(next);
        if (logitRows > n) {
            throw new IllegalArgumentException("logitRows " + logitRows + " exceeds the " + n + " rows left after pruning");
        }
        float[] last = Arrays.copyOfRange(x, (n - logitRows) * d, n * d);
        weights.finalNorm().apply(last, logitRows, last);
        return weights.head().apply(last, logitRows);
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

    /**
     * Decodes one token for each of several independent sequences at once: {@code tokens[i]} at the next position of
     * {@code caches.get(i)}. The projections run over all the rows together, so each weight is read once for every
     * sequence (decode is bound by reading the weights); attention runs row by row, each over its own cache alone.
     * Each sequence's logits are what {@link #step} would give it, up to the rounding of the multi-row kernel.
     *
     * @return logits [caches.size()][vocab], in the order of the caches
     * @throws IllegalArgumentException when the lists differ in length, a cache appears twice or is for another
     *                                  model shape, a token is outside the vocabulary, or a cache is full; nothing
     *                                  has changed then
     */
    public float[][] stepAll(List<KvCache> caches, int[] tokens) {
        int m = caches.size();
        if (m == 0 || tokens.length != m) {
            throw new IllegalArgumentException(m + " caches for " + tokens.length + " tokens (need one token per cache, at least one)");
        }
        int layers = weights.layers().length;
        Set<KvCache> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
        for (KvCache cache : caches) {
            if (!distinct.add(cache)) {
                throw new IllegalArgumentException("a cache appears twice among the sequences decoded together");
            }
            if (!cache.fits(layers, config.kvHeads(), config.headDim())) {
                throw new IllegalArgumentException("cache was made for another model shape");
            }
            for (int l = 0; l < layers; l++) {
                if (cache.length(l) >= cache.capacity()) {
                    throw new IllegalArgumentException("KV cache of " + cache.capacity() + " tokens is full");
                }
            }
        }
        float[] x = embed(tokens);
        int[] pos = caches.stream().mapToInt(KvCache::nextPosition).toArray();
        Buffers buffers = new Buffers(m);
        for (int l = 0; l < layers; l++) {
            int layer = l;
            DecoderWeights.Layer w = weights.layers()[l];
            float[] qkv = projectQkv(w, x, m, buffers);
            int qkvw = w.qkv().out();
            int qw = config.heads() * config.headDim();
            float[] attended = new float[m * qw];
            for (int r = 0; r < m; r++) {
                KvCache cache = caches.get(r);
                float[] row = Arrays.copyOfRange(qkv, r * qkvw, (r + 1) * qkvw);
                int[] at = {pos[r]};
                int past = cache.length(layer);
                float[] raw = rotateAndAppend(layer, cache, row, qkvw, at, 1);
                float[] out = attention.attend(cache, layer, row, raw, qkvw, past, at, new int[] {1}, null, null);
                System.arraycopy(out, 0, attended, r * qw, qw);
            }
            finish(w, x, attended, m, buffers);
        }
        for (int r = 0; r < m; r++) {
            caches.get(r).setNextPosition(pos[r] + 1);
        }
        weights.finalNorm().apply(x, m, x);
        float[] logits = weights.head().apply(x, m);
        int vocab = config.vocabSize();
        float[][] out = new float[m][];
        Arrays.setAll(out, r -> Arrays.copyOfRange(logits, r * vocab, (r + 1) * vocab));
        return out;
    }

    /**
     * One decoder layer over the rows whose original indices are given, updating x in place and appending to the
     * cache; returns the layer's attention when asked to record it, else null.
     */
    private LayerAttention block(int l, KvCache cache, float[] x, int[] pos, int[] original, int[] visibleRows, AttentionMask holes,
                                 boolean record, Buffers buffers) {
        DecoderWeights.Layer w = weights.layers()[l];
        int n = original.length;
        int qkvw = w.qkv().out();
        int past = cache.length(l);
        if (past + n > cache.capacity()) {
            throw new IllegalStateException("KV cache of " + cache.capacity() + " tokens cannot take " + n + " more after " + past);
        }
        float[] qkv = projectQkv(w, x, n, buffers);
        float[] rawQkv = rotateAndAppend(l, cache, qkv, qkvw, pos, n);
        float[] lastRow = record ? new float[past + n] : null;
        float[] attended = attention.attend(cache, l, qkv, rawQkv, qkvw, past, pos, visibleRows, holes, lastRow);
        // A copy: what the pruner is handed may outlive the next layer, which reuses the buffer.
        LayerAttention seen = record ? new LayerAttention(cache, l, Arrays.copyOf(qkv, n * qkvw), qkvw, config.heads(),
                config.groupSize(), past, original, visibleRows, lastRow) : null;
        finish(w, x, attended, n, buffers);
        return seen;
    }

    /** The rows' queries, keys and values before rotation, [n × qkv width], in {@code b.qkv}. */
    private float[] projectQkv(DecoderWeights.Layer w, float[] x, int n, Buffers b) {
        w.inputNorm().apply(x, n, b.normed);
        w.qkv().apply(b.normed, 0, n, b.qkv, 0);
        return b.qkv;
    }

    /**
     * Rotates the rows' queries and keys in place by their positions (under the cache's rotary layout) and appends
     * keys and values to layer {@code l} of the cache; returns the unrotated rows when the cache keeps them, else null.
     */
    private float[] rotateAndAppend(int l, KvCache cache, float[] qkv, int qkvw, int[] pos, int n) {
        RotaryLayout layout = cache.layout();
        float[] rawQkv = cache.keepsRawKeys() ? Arrays.copyOf(qkv, n * qkvw) : null;
        for (int r = 0; r < n; r++) {
            if (layout == null) {
                rope.apply(qkv, r * qkvw, config.heads() + config.kvHeads(), pos[r]);
            } else {
                rope.apply(qkv, r * qkvw, config.heads() + config.kvHeads(), layout.rotation(pos[r]));
            }
        }
        cache.append(l, qkv, rawQkv, qkvw, config.heads() * config.headDim(), n, pos);
        return rawQkv;
    }

    /** The rest of a layer after attention: output projection and residual, then the MLP and its residual, into x. */
    private void finish(DecoderWeights.Layer w, float[] x, float[] attended, int n, Buffers b) {
        int d = config.hiddenSize();
        w.o().apply(attended, 0, n, b.projected, 0);
        Rows.addResidual(x, b.projected, n, d);
        w.postNorm().apply(x, n, b.normed);
        w.gateUp().apply(b.normed, 0, n, b.gateUp, 0);
        Activation.swiGlu(b.gateUp, n, config.intermediateSize(), b.act);
        w.down().apply(b.act, 0, n, b.projected, 0);
        Rows.addResidual(x, b.projected, n, d);
    }

    /**
     * The arrays a layer writes for up to {@code rows} rows, made once per forward and reused by every layer (rows
     * beyond those of the current layer, after pruning, are left stale). A 600-row prefill of Llama-7B's shape
     * allocated about 150 MB per layer before; those arrays lived across young collections and were promoted, leaving
     * gigabytes of dead rows resident in the old generation beside the weights.
     */
    private final class Buffers {
        final float[] normed;
        final float[] qkv;
        final float[] projected;
        final float[] gateUp;
        final float[] act;

        Buffers(int rows) {
            DecoderWeights.Layer first = weights.layers()[0];
            normed = new float[rows * config.hiddenSize()];
            qkv = new float[rows * first.qkv().out()];
            projected = new float[rows * config.hiddenSize()];
            gateUp = new float[rows * first.gateUp().out()];
            act = new float[rows * config.intermediateSize()];
        }
    }
}
