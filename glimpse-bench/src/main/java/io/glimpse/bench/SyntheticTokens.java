package io.glimpse.bench;

import io.glimpse.reduce.AttentionScores;
import io.glimpse.reduce.ReduceContext;
import io.glimpse.tokens.AttentionMaps;
import io.glimpse.tokens.FrameInfo;
import io.glimpse.tokens.TokenSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Encoder-like inputs without an encoder: L2-normalised embeddings with mild spatial and strong temporal
 * correlation, and attention maps for the methods that read them.
 *
 * <p>A patch's vector is 0.6·(its 4×4-patch cell's vector) + 0.8·(its own noise), normalised, so patches of one
 * cell have cosine ≈ 0.36 and other pairs ≈ 0. Cell vectors and noise drift from frame to frame as
 * x ← 0.9·x + 0.436·fresh, so a patch keeps cosine ≈ 0.9 with itself in the next frame, as in video where most
 * of the scene stays. Attention maps ({@code cls@L} and {@code received@L} for every layer of the ViT) are a
 * softmax over each frame of a cell-smooth field plus noise, with two "sink" patches per frame taking a large
 * share, the pattern reported for CLIP and SigLIP maps.
 */
final class SyntheticTokens {
    private static final int CELL = 4;
    private static final float CELL_WEIGHT = 0.6f;
    private static final float NOISE_WEIGHT = 0.8f;
    private static final float CARRY = 0.9f;
    private static final float FRESH = 0.436f;
    private static final int SINKS = 2;
    private static final double SINK_LOGIT = 5.0;

    private SyntheticTokens() {
    }

    static TokenSet tokens(InputShape shape, long seed) {
        int g = shape.grid();
        int d = shape.dim();
        int perFrame = shape.tokensPerFrame();
        int cellsPerSide = (g + CELL - 1) / CELL;
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] cells = fresh(rnd, cellsPerSide * cellsPerSide * d);
        float[] noise = fresh(rnd, perFrame * d);
        float[] emb = new float[Math.multiplyExact(shape.tokens(), d)];
        List<FrameInfo> frames = new ArrayList<>(shape.frames());
        int px = g * 14;
        for (int f = 0; f < shape.frames(); f++) {
            if (f > 0) {
                drift(rnd, cells);
                drift(rnd, noise);
            }
            for (int r = 0; r < g; r++) {
                for (int c = 0; c < g; c++) {
                    int p = r * g + c;
                    int cell = (r / CELL) * cellsPerSide + c / CELL;
                    int out = (f * perFrame + p) * d;
                    double ss = 0;
                    for (int i = 0; i < d; i++) {
                        float v = CELL_WEIGHT * cells[cell * d + i] + NOISE_WEIGHT * noise[p * d + i];
                        emb[out + i] = v;
                        ss += (double) v * v;
                    }
                    float inv = (float) (1 / Math.sqrt(ss));
                    for (int i = 0; i < d; i++) {
                        emb[out + i] *= inv;
                    }
                }
            }
            frames.add(new FrameInfo(f / 2.0, g, g, px, px, 0, -1));
        }
        return TokenSet.fromGrid(emb, d, frames);
    }

    /** Uniform noise in [-1, 1]: after normalisation in hundreds of dimensions its shape does not matter. */
    private static float[] fresh(SplittableRandom rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return x;
    }

    private static void drift(SplittableRandom rnd, float[] x) {
        for (int i = 0; i < x.length; i++) {
            x[i] = CARRY * x[i] + FRESH * (float) (rnd.nextDouble() * 2 - 1);
        }
    }

    /** Attention maps for every layer of the shape's ViT, and no query relevance. */
    static ReduceContext context(InputShape shape, long seed) {
        Map<AttentionMaps.Key, float[]> maps = new HashMap<>();
        for (int layer = 1; layer <= shape.vit().layers; layer++) {
            maps.put(AttentionScores.key(AttentionScores.CLS, layer), attention(shape, seed * 31 + 2L * layer));
            maps.put(AttentionScores.key(AttentionScores.RECEIVED, layer), attention(shape, seed * 31 + 2L * layer + 1));
            maps.put(AttentionScores.key(AttentionScores.GLOBAL, layer), attention(shape, seed * 31 + 2L * layer + 1));
        }
        return new ReduceContext(seed, AttentionMaps.of(maps), null);
    }

    /** One map: per frame a softmax over cell-smooth logits plus noise, with a few sinks; each frame sums to 1. */
    static float[] attention(InputShape shape, long seed) {
        int g = shape.grid();
        int perFrame = shape.tokensPerFrame();
        int cellsPerSide = (g + CELL - 1) / CELL;
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] map = new float[shape.tokens()];
        double[] logit = new double[perFrame];
        for (int f = 0; f < shape.frames(); f++) {
            double[] cell = new double[cellsPerSide * cellsPerSide];
            for (int i = 0; i < cell.length; i++) {
                cell[i] = rnd.nextDouble() * 2 - 1;
            }
            for (int r = 0; r < g; r++) {
                for (int c = 0; c < g; c++) {
                    logit[r * g + c] = cell[(r / CELL) * cellsPerSide + c / CELL] + 0.5 * (rnd.nextDouble() * 2 - 1);
                }
            }
            for (int s = 0; s < SINKS; s++) {
                logit[rnd.nextInt(perFrame)] += SINK_LOGIT;
            }
            double sum = 0;
            for (int p = 0; p < perFrame; p++) {
                logit[p] = Math.exp(logit[p]);
                sum += logit[p];
            }
            for (int p = 0; p < perFrame; p++) {
                map[f * perFrame + p] = (float) (logit[p] / sum);
            }
        }
        return map;
    }
}
