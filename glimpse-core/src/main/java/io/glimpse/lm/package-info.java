/**
 * The language model of the LLaVA-family runtime: Qwen2 and Llama decoders from Hugging Face checkpoints, their
 * tokenizers and chat templates, sampling, and in-LLM token pruning.
 *
 * <p>A turn runs as: {@link io.glimpse.lm.ChatTemplate#render} → {@link io.glimpse.lm.TextTokenizer#encode} →
 * {@link io.glimpse.lm.DecoderModel#embed} or {@link io.glimpse.lm.DecoderModel#embedWith} (visual feature rows
 * into placeholder positions) → {@link io.glimpse.lm.DecoderModel#forward} with explicit position ids (see
 * {@link io.glimpse.lm.PositionPolicy}), optionally a {@link io.glimpse.lm.LayerPruner} (FastV, AIM, ToDRE) and an
 * attention mask → {@link io.glimpse.lm.Generation#run} with a {@link io.glimpse.lm.Sampler} and the template's
 * stop ids, streaming through {@link io.glimpse.lm.TextStream}.
 */
package io.glimpse.lm;
