package io.glimpse.bench.cli;

import io.glimpse.bench.fixture.ModelShapes;
import io.glimpse.bench.fixture.RandomCheckpoint;
import io.glimpse.cli.GlimpseCli;
import io.glimpse.cli.InProcess;
import io.glimpse.io.DType;
import io.glimpse.io.SafeTensors;
import io.glimpse.vision.VisionConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static io.glimpse.cli.InProcess.glimpse;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code glimpse bench encode} on tiny towers: output lines and the checkpoints it writes, never the timings. */
class BenchEncodeCommandTest {
    @TempDir
    Path cache;

    @Test
    void tinyRunPrintsThroughputRatioAndToMeLinesForBothTowers() {
        InProcess.Run r = glimpse("bench", "encode", "--tiny", "--repeat", "1", "--cache", cache.toString());
        assertThat(r.code()).as(r.err()).isZero();
        for (String model : List.of("clip-tiny", "siglip-tiny")) {
            assertThat(r.out()).contains(model + ": ");
        }
        String num = "\\d+\\.\\d+";
        String times = " +" + num + " s \\(cpu +" + num + " s\\)";
        assertThat(r.out().lines().filter(l -> l.matches("\\s+encode, no merging\\s+:" + times + " +" + num
                + " images/s +" + num + " GFLOP/s"))).hasSize(2);
        assertThat(r.out().lines().filter(l -> l.matches("\\s+gemm floor \\(same GEMMs\\)\\s+:" + times + " +" + num
                + " GFLOP/s"))).hasSize(2);
        assertThat(r.out().lines().filter(l -> l.matches("\\s+ratio encode/gemm GFLOP/s\\s+: +" + num
                + " +\\(by cpu time (" + num + "|n/a); target >= 0\\.70: (met|not met)\\)"))).hasSize(2);
        for (int rr : new int[]{8, 16}) {
            assertThat(r.out().lines().filter(l -> l.matches("\\s+ToMe r=" + rr + " +per layer\\s+:" + times + " +" + num
                    + " images/s +time ratio to none " + num + " \\(by cpu time (" + num + "|n/a)\\)"))).hasSize(2);
        }
        assertThat(r.err()).contains("clip-tiny run 1/1: gemm ", " none ", " tome8 ", " tome16 ");
    }

    @Test
    void flopCountOfTheClipTowerAddsTheForwardsGemms() {
        // CLIP-L/14-336: 576 patches + CLS, patch GEMM 576x1024x588; per layer q/k/v 577x3072x1024, out 577x1024x1024,
        // QK^T and AV 2x577x577x1024 over 16 heads, MLP 2x577x4096x1024; each multiply-add is two FLOPs.
        ModelShapes.Tower clip = ModelShapes.CLIP_L_336;
        long perLayer = 2L * 577 * 3072 * 1024 + 2L * 577 * 1024 * 1024 + 4L * 577 * 577 * 1024 + 4L * 577 * 4096 * 1024;
        assertThat(clip.flops()).isEqualTo(2L * 576 * 1024 * 588 + 24 * perLayer);
        assertThat(clip.flops() / 1e9).isBetween(380.0, 385.0);
    }

    @Test
    void theCheckpointLoadsAsTheShapeAskedAndIsReusedFromTheCache() throws Exception {
        ModelShapes.Tower siglip = new ModelShapes.Tower("s", false, 72, 2, 4, 144, 112, 14, "gelu_pytorch_tanh");
        Path dir = RandomCheckpoint.tower(siglip, cache, DType.BF16, 3);
        VisionConfig cfg = VisionConfig.read(dir.resolve("config.json"));
        assertThat(cfg.family()).isEqualTo(VisionConfig.Family.SIGLIP);
        assertThat(cfg.hiddenSize()).isEqualTo(72);
        assertThat(cfg.sequenceLength()).isEqualTo(64);
        assertThat(io.glimpse.vision.VisionTower.load(dir).config().layers()).isEqualTo(2);
        assertThat(dir.resolve("preprocessor_config.json")).isRegularFile();
        var before = Files.getLastModifiedTime(dir.resolve("model.safetensors"));
        byte[] bytes = Files.readAllBytes(dir.resolve("model.safetensors"));
        Path again = RandomCheckpoint.tower(siglip, cache, DType.BF16, 3);
        assertThat(again).isEqualTo(dir);
        assertThat(Files.getLastModifiedTime(again.resolve("model.safetensors"))).isEqualTo(before);
        try (Stream<Path> s = Files.list(cache)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".partial"));
        }
        Path other = RandomCheckpoint.tower(siglip, cache.resolve("other"), DType.BF16, 3);
        assertThat(Files.readAllBytes(other.resolve("model.safetensors"))).isEqualTo(bytes);
        assertThat(SafeTensors.read(other.resolve("model.safetensors")).tensors()).containsKey("vision_model.encoder.layers.1.mlp.fc2.weight");
    }

    @Test
    void anImageSizeNotAMultipleOfThePatchLeavesTheLastPixelsOut() throws Exception {
        // SigLIP-so400m's 384 px at patch 14: the conv floors to 27x27 patches; here 60 px at 14 gives 4x4.
        ModelShapes.Tower odd = new ModelShapes.Tower("odd", false, 32, 1, 2, 64, 60, 14, "gelu_pytorch_tanh");
        io.glimpse.vision.VisionTower tower = io.glimpse.vision.VisionTower.load(RandomCheckpoint.tower(odd, cache, DType.F32, 5));
        assertThat(tower.config().patches()).isEqualTo(16);
        float[] pixels = new float[3 * 60 * 60];
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(1);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) rnd.nextDouble(-1, 1);
        }
        float[] edited = pixels.clone();
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 60; y++) {
                for (int x = 0; x < 60; x++) {
                    if (x >= 56 || y >= 56) {
                        edited[(c * 60 + y) * 60 + x] = 5f;
                    }
                }
            }
        }
        var options = io.glimpse.vision.EncodeOptions.defaults();
        float[] a = tower.forward(pixels, options).features();
        assertThat(a).hasSize(16 * 32);
        assertThat(tower.forward(edited, options).features()).containsExactly(a);
        pixels[0] += 1f;
        assertThat(tower.forward(pixels, options).features()).isNotEqualTo(a);
    }

    @Test
    void unknownModelIsAUsageError() {
        InProcess.Run r = glimpse("bench", "encode", "--tiny", "--models", "vit", "--cache", cache.toString());
        assertThat(r.code()).isEqualTo(GlimpseCli.USAGE);
        assertThat(r.err()).contains("unknown model 'vit'");
    }
}
