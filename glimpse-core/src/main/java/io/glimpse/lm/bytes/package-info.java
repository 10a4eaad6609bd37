/**
 * Byte-level reading of tokenized language models: exact next-byte probabilities by the Byte-Token
 * Representation Lemma ({@link io.glimpse.lm.bytes.ByteModel}), over a vocabulary spelled in bytes
 * ({@link io.glimpse.lm.bytes.TokenBytes}), with the validity mask of canonical encodings ({@code Canonicity}),
 * settled prefixes ({@code Boundaries}) run once ({@code PrefixScorer}), and ensembles of models whose
 * vocabularies differ ({@link io.glimpse.lm.bytes.ByteEnsemble}). Sampling reuses {@link io.glimpse.lm.Sampler}
 * over the 257 symbols' log-probabilities.
 */
package io.glimpse.lm.bytes;
