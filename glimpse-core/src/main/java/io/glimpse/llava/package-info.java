/**
 * LLaVA-family models assembled from one checkpoint folder, and the end-to-end question-answering turn.
 *
 * <p>{@link io.glimpse.llava.LlavaCheckpoint} reads a folder's config.json and preprocessor_config.json once and names
 * its family (and so the cost model a budget counts in); {@link io.glimpse.llava.LlavaModel#load} then opens the
 * weights once for tower, projector and decoder. {@link io.glimpse.llava.LlavaModel#crops} says what the tower sees of an image (LLaVA-OneVision: anyres tiles,
 * {@link io.glimpse.image.AnyresGrid}); {@link io.glimpse.llava.LlavaModel#encode} gives encoder-space tokens (a
 * {@link io.glimpse.tokens.TokenSet});
 * a reduction {@link io.glimpse.reduce.Pipeline} may run on them there, before the projector;
 * {@link io.glimpse.llava.LlavaModel#imageBlock} / {@link io.glimpse.llava.LlavaModel#videoBlock} project them (and
 * pack anyres images, pool and append image_newline for OneVision video) with position ids from a
 * {@link io.glimpse.lm.PositionPolicy} ({@link io.glimpse.llava.VisualPositions}; opt-in rotary schemes are
 * {@link io.glimpse.llava.Positions});
 * {@link io.glimpse.llava.LlavaModel#assemble} splices the blocks into the tokenized chat prompt; the decoder
 * prefills and generates. {@link io.glimpse.llava.Ask#run} does all of it and reports counts and timings.
 */
package io.glimpse.llava;
