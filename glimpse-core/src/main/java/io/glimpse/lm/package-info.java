/**
 * The language model of the LLaVA-family runtime: Qwen2 and Llama decoders from Hugging Face checkpoints, their
 * tokenizers and chat templates, sampling, and in-LLM token pruning ({@code lm.prune}).
 *
 * <p>A turn runs as: {@link io.glimpse.lm.ChatTemplate#render} → {@link io.glimpse.lm.TextTokenizer#encode} →
 * {@link io.glimpse.lm.DecoderModel#embed} (the caller splices visual feature rows between the text rows) →
 * {@link io.glimpse.lm.DecoderModel#forward} with explicit position ids (see {@link io.glimpse.lm.PositionPolicy}),
 * optionally a {@link io.glimpse.lm.LayerPruner} (FastV, AIM, ToDRE) and an {@link io.glimpse.lm.AttentionMask} →
 * {@link io.glimpse.lm.Generation#run} with a {@link io.glimpse.lm.Sampler} and the template's stop ids, streaming
 * through {@link io.glimpse.lm.TextStream}. The decoder is built from {@code io.glimpse.nn} blocks; its weights and
 * checkpoint layouts are {@code DecoderWeights}, its attention {@code DecoderAttention} over the {@link io.glimpse.lm.KvCache}.
 */
package io.glimpse.lm;
