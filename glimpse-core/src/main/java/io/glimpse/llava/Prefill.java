package io.glimpse.llava;

import io.glimpse.lm.KvCache;
import io.glimpse.lm.LayerPruner;
import io.glimpse.lm.prune.PrunerFactory;

import java.util.Arrays;
import java.util.Optional;

/**
 * A {@link SplicedPrompt} run through the decoder: the third step of a turn. The cache then holds the prompt and the
 * logits of its last row choose the first answer token ({@link Ask#decode}).
 *
 * @param cache                 the prompt's keys and values
 * @param logits                the last prompt row's logits
 * @param visualRowsAtLastLayer visual rows left in the decoder's last layer (fewer after in-LLM pruning)
 */
public record Prefill(KvCache cache, float[] logits, int visualRowsAtLastLayer) {
    /**
     * Runs the prompt's rows from {@code from} on into {@code cache}, which already holds the first {@code from}
     * (a shared prefix, or none), pruning visual rows inside the decoder when {@code pruning} is present.
     *
     * @throws IllegalArgumentException when a continued prefix meets pruning or a rotary layout, which see the whole
     *                                  prompt at once
     */
    public static Prefill run(LlavaModel model, SplicedPrompt p, Optional<PrunerFactory> pruning, KvCache cache, int from) {
        int rows = p.rows();
        if (from > 0 && (pruning.isPresent() || p.layout().isPresent())) {
            throw new IllegalArgumentException("in-LLM pruning and rotary schemes prefill the whole prompt, not rows from " + from);
        }
        if (from < 0 || from >= rows) {
            throw new IllegalArgumentException("prefill from row " + from + " of a prompt of " + rows);
        }
        int layers = model.decoder().config().layers();
        // The video's trailing image_newline is not a visual token to rank.
        LayerPruner pruner = pruning.map(f -> f.create(layers, p.firstVisual(), p.visualRows() - (p.video() ? 1 : 0))).orElse(null);
        int d = model.decoder().config().hiddenSize();
        LlavaModel.Prompt prompt = p.prompt();
        float[] inputs = from == 0 ? prompt.inputs() : Arrays.copyOfRange(prompt.inputs(), from * d, rows * d);
        int[] positions = from == 0 ? prompt.positions() : Arrays.copyOfRange(prompt.positions(), from, rows);
        float[] logits = model.decoder().forward(cache, inputs, positions, 1, pruner,
                p.layout().map(l -> l.promptMask(rows)).orElse(null));
        return new Prefill(cache, logits, p.visualRows() - (rows - cache.length(layers - 1)));
    }
}
