package io.glimpse.bench.run;

import io.glimpse.bench.fixture.ModelShapes;
import io.glimpse.tensor.Gemm;

import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The matrix products of one forward of a tower of this shape, with the same sizes and in the same order, on operands
 * of one layer reused for every layer (outputs go to scratch so the inputs keep their scale): the patch GEMM, then per
 * layer the fused q/k/v projection, QKᵀ and AV of every head, the output projection and both MLP matrices. Their FLOPs
 * are {@link ModelShapes.Tower#flops()}. Weights are prepared for the backend once, as the tower's are, so both sides
 * pay the same for them. Heads run side by side, each on scratch of its own, as the tower's attention runs them: run
 * one after another, each of the 2 × heads small products of a layer (577×577×64 for CLIP-L) was split over the
 * threads and joined on its slower half, and the floor read slower than the tower it bounds.
 */
final class LayerGemms implements Runnable {
    private final Gemm gemm = Gemm.get();
    private final int n;
    private final int t;
    private final int dh;
    private final int heads;
    private final int layers;
    private final float[] patches;
    private final Gemm.Prepared patchW;
    private final float[] x;
    private final float[] y;
    private final Gemm.Prepared qkvW;
    private final float[] qkv;
    private final float[] q;
    private final float[] k;
    private final Gemm.Prepared outW;
    private final Gemm.Prepared fc1W;
    private final float[] mid;
    private final Gemm.Prepared fc2W;

    LayerGemms(ModelShapes.Tower s, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        n = s.grid() * s.grid();
        t = s.tokens();
        int d = s.hidden();
        heads = s.heads();
        dh = d / heads;
        int mlp = s.mlp();
        int kdim = 3 * s.patch() * s.patch();
        layers = s.layers();
        patches = random(rnd, n * kdim);
        patchW = gemm.prepareTransposed(d, kdim, random(rnd, d * kdim), 0);
        x = random(rnd, t * d);
        y = new float[t * d];
        qkvW = gemm.prepareTransposed(3 * d, d, random(rnd, 3 * d * d), 0);
        qkv = new float[t * 3 * d];
        q = random(rnd, t * dh);
        k = random(rnd, t * dh);
        outW = gemm.prepareTransposed(d, d, random(rnd, d * d), 0);
        fc1W = gemm.prepareTransposed(mlp, d, random(rnd, mlp * d), 0);
        mid = new float[t * mlp];
        fc2W = gemm.prepareTransposed(d, mlp, random(rnd, d * mlp), 0);
    }

    @Override
    public void run() {
        gemm.multiplyTransposed(n, patches, 0, patchW, y, 0);
        for (int l = 0; l < layers; l++) {
            gemm.multiplyTransposed(t, x, 0, qkvW, qkv, 0);
            IntStream.range(0, heads).parallel().forEach(h -> {
                float[] probs = new float[t * t];
                gemm.multiplyTransposed(t, t, dh, q, 0, k, 0, probs, 0);
                gemm.multiply(t, dh, t, probs, 0, k, 0, new float[t * dh], 0);
            });
            gemm.multiplyTransposed(t, x, 0, outW, qkv, 0);
            gemm.multiplyTransposed(t, x, 0, fc1W, mid, 0);
            gemm.multiplyTransposed(t, mid, 0, fc2W, y, 0);
        }
    }

    private static float[] random(SplittableRandom rnd, int count) {
        float[] a = new float[count];
        for (int i = 0; i < count; i++) {
            a[i] = (float) (rnd.nextDouble() - 0.5);
        }
        return a;
    }
}
