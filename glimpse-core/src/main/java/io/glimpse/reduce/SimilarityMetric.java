package io.glimpse.reduce;

import io.glimpse.io.BadInputException;
import io.glimpse.tensor.VectorOps;
import io.glimpse.tokens.AttentionMaps;
import io.glimpse.tokens.TokenSet;

import java.util.Set;

/**
 * What a similarity-based merge measures tokens on: {@code keys}, the head-mean attention keys of an encoder block
 * (ToMe's and VisionZip's metric, {@code k.mean(1)} in their code), when the context holds them, else the embeddings;
 * or always the {@code embeddings}. A token's key row is the mean of its patches' rows, so a token merged earlier is
 * measured by its whole footprint (the papers recompute keys in the next block instead).
 *
 * @param keys  measure on key rows when the context holds them
 * @param block the encoder block (from 1) whose keys are read
 */
record SimilarityMetric(boolean keys, int block) {
    static final String PARAM = "metric";
    static final String KEYS = "keys";
    static final String EMBEDDINGS = "embeddings";
    /** Always the embeddings (methods whose papers measure on them). */
    static final SimilarityMetric ON_EMBEDDINGS = new SimilarityMetric(false, 1);

    /** The spec parameter {@code metric=keys|embeddings}, keys by default. */
    static ParamDef param() {
        return ParamDef.choice(PARAM, KEYS, "similarity on: keys = the encoder block's head-mean attention keys when "
                + "the encoder hands them (else the embeddings), embeddings = the token rows", KEYS, EMBEDDINGS);
    }

    static SimilarityMetric of(String choice, int block) {
        return new SimilarityMetric(choice.equals(KEYS), block);
    }

    /** What to ask the encoder for. */
    AttentionMaps.Request needs() {
        return keys ? new AttentionMaps.Request(Set.of(), Set.of(block)) : AttentionMaps.Request.NONE;
    }

    /** Rows to measure on, each scaled to unit length (a zero row stays zero), and their width. */
    record Rows(float[] unit, int dim) {
    }

    /**
     * The unit rows of {@code in}: its key rows when asked for and held, else its embeddings.
     *
     * @throws BadInputException when held key rows do not cover the set's patches or are not finite
     */
    Rows unitRows(String method, TokenSet in, ReduceContext ctx) {
        float[] rows = keys ? ctx.attention().keyRows(block) : null;
        if (rows == null) {
            return new Rows(Similarity.unitRows(in, method), in.dim());
        }
        int dk = ctx.attention().keyDim();
        int patches = in.patchCount();
        if (rows.length != (long) patches * dk) {
            throw new BadInputException(method + ": key rows of block " + block + " hold " + rows.length / dk
                    + " rows, expected one per original patch (" + patches + ")");
        }
        double[] sum = new double[in.size() * dk];
        for (int p = 0; p < patches; p++) {
            int t = in.origin(p);
            if (t < 0) {
                continue;
            }
            for (int c = 0; c < dk; c++) {
                float v = rows[p * dk + c];
                if (!Float.isFinite(v)) {
                    throw new BadInputException(method + ": key rows of block " + block + " hold " + v + " at patch " + p);
                }
                sum[t * dk + c] += v;
            }
        }
        float[] mean = new float[sum.length];
        for (int t = 0; t < in.size(); t++) {
            for (int c = 0; c < dk; c++) {
                mean[t * dk + c] = (float) (sum[t * dk + c] / in.tokenSize(t));
            }
        }
        return new Rows(VectorOps.unitRows(mean, in.size(), dk), dk);
    }
}
