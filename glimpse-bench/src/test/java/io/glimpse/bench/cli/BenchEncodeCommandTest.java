package io.glimpse.bench.cli;

import io.glimpse.bench.fixture.ModelShapes;
import io.glimpse.bench.fixture.RandomCheckpoint;
import io.glimpse.cli.GlimpseCli;
import io.glimpse.cli.InProcess;
import io.glimpse.io.DType;
import io.glimpse.io.GgufFile;
import io.glimpse.io.SafeTensors;
import io.glimpse.vision.VisionConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
        assertThat(r.out().lines().filter(l -> l.matches("\\s+encode, from the mmproj\\s+:" + times + " +" + num
                + " images/s +" + num + " GFLOP/s"))).hasSize(2);
        assertThat(r.out()).doesNotContain("llama.cpp");
        assertThat(r.out().lines().filter(l -> l.matches("\\s+gemm floor \\(same GEMMs\\)\\s+:" + times + " +" + num
                + " GFLOP/s"))).hasSize(2);
        assertThat(r.out().lines().filter(l -> l.matches("\\s+ratio encode/gemm GFLOP/s\\s+: +" + num
                + " +\\(by cpu time (" + num + "|n/a); target >= 0\\.70: (met|not met)\\)"))).hasSize(2);
        for (int rr : new int[]{8, 16}) {
            assertThat(r.out().lines().filter(l -> l.matches("\\s+ToMe r=" + rr + " +per layer\\s+:" + times + " +" + num
                    + " images/s +time ratio to none " + num + " \\(by cpu time (" + num + "|n/a)\\)"))).hasSize(2);
        }
        assertThat(r.err()).contains("clip-tiny run 1/1: gemm ", " none ", " gguf ", " tome8 ", " tome16 ");
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
    void llamaCppsEncodeTimeIsReadFromItsLogAndSetAgainstGlimpsesBestOfRepeats() throws Exception {
        Path args = cache.resolve("args.txt");
        // Two runs: the second is faster, so the best of repeats is 0.120 s; the line sits among other log lines.
        Path fake = script("""
                echo "$@" >> %s
                if [ -f %s ]; then t=120; else t=480; touch %s; fi
                echo "encoding image slice..." >&2
                echo "mtmd batch encoding done in $t ms" >&2
                echo "image decoded (batch 1/1) in 3 ms" >&2
                """.formatted(args, cache.resolve("seen"), cache.resolve("seen")));
        InProcess.Run r = glimpse("bench", "encode", "--tiny", "--models", "clip", "--repeat", "2", "--dtype", "f16",
                "--cache", cache.toString(), "--llama-mtmd", fake.toString());
        assertThat(r.code()).as(r.err()).isZero();
        double encode = seconds(r.out(), "encode, no merging");
        double fromFile = seconds(r.out(), "encode, from the mmproj");
        String line = r.out().lines().filter(l -> l.contains("llama.cpp mtmd encode")).findFirst().orElseThrow();
        Matcher m = Pattern.compile(":\\s+0\\.120 s  Glimpse (\\d+\\.\\d+)x its speed \\(from the mmproj (\\d+\\.\\d+)x; "
                + "goal >= 1\\.30x: (met|not met)\\)").matcher(line);
        assertThat(m.find()).as(line).isTrue();
        assertRatio(Double.parseDouble(m.group(1)), 0.120, encode);
        assertRatio(Double.parseDouble(m.group(2)), 0.120, fromFile);
        double worst = Math.min(Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)));
        if (Math.abs(worst - 1.3) > 0.01) {
            assertThat(m.group(3)).isEqualTo(worst >= 1.3 ? "met" : "not met");
        }
        List<String> calls = Files.readAllLines(args);
        assertThat(calls).hasSize(2);
        List<String> a = List.of(calls.get(0).split(" "));
        Path mmproj = Path.of(a.get(a.indexOf("--mmproj") + 1));
        Path image = Path.of(a.get(a.indexOf("--image") + 1));
        assertThat(a.get(a.indexOf("-n") + 1)).isEqualTo("1");
        assertThat(a.get(a.indexOf("-t") + 1)).isEqualTo(String.valueOf(Runtime.getRuntime().availableProcessors()));
        assertThat(GgufFile.read(mmproj).string("general.architecture")).isEqualTo("clip");
        GgufFile lm = GgufFile.read(Path.of(a.get(a.indexOf("-m") + 1)));
        assertThat(lm.integer("llama.embedding_length")).isEqualTo(GgufFile.read(mmproj).integer("clip.vision.projection_dim"));
        byte[] ppm = Files.readAllBytes(image);
        assertThat(new String(ppm, 0, 15, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("P6\n112 112\n255\n");
        assertThat(ppm).hasSize(15 + 112 * 112 * 3);
    }

    @Test
    void aLlamaCppRunWithoutAnEncodeLineIsReportedNotTimed() throws Exception {
        Path fake = script("echo 'failed to load mmproj' >&2\nexit 1\n");
        InProcess.Run r = glimpse("bench", "encode", "--tiny", "--models", "clip", "--repeat", "1", "--cache", cache.toString(),
                "--llama-mtmd", fake.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("llama.cpp mtmd encode      : llama-mtmd-cli " + fake + " exited 1 without "
                + "an encode time (last line: failed to load mmproj)");
    }

    @Test
    void aMissingLlamaBinaryIsAUsageError() {
        InProcess.Run r = glimpse("bench", "encode", "--tiny", "--cache", cache.toString(), "--llama-mtmd",
                cache.resolve("none").toString());
        assertThat(r.code()).isEqualTo(GlimpseCli.USAGE);
        assertThat(r.err()).contains("is not an executable file");
    }

    /** With LLAMA_MTMD naming a built llama-mtmd-cli, llama.cpp itself loads the files and encodes the image. */
    @Test
    void llamaCppEncodesTheWrittenMmproj() {
        String binary = System.getenv("LLAMA_MTMD");
        org.junit.jupiter.api.Assumptions.assumeTrue(binary != null && Files.isExecutable(Path.of(binary)),
                "LLAMA_MTMD names no llama-mtmd-cli binary");
        for (String dtype : List.of("f32", "f16")) {
            InProcess.Run r = glimpse("bench", "encode", "--tiny", "--repeat", "1", "--dtype", dtype, "--cache",
                    cache.resolve(dtype).toString(), "--llama-mtmd", binary);
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out().lines().filter(l -> l.matches("\\s+llama.cpp mtmd encode\\s+: +\\d+\\.\\d+ s  Glimpse .*")))
                    .as(r.out()).hasSize(2);
        }
    }

    private Path script(String body) throws Exception {
        Path p = cache.resolve("fake-mtmd-" + System.nanoTime() + ".sh");
        Files.writeString(p, "#!/bin/sh\n" + body);
        p.toFile().setExecutable(true);
        return p;
    }

    /** {@code ratio} (printed to 2 decimals) is llama ÷ glimpse, glimpse printed to 3 decimals. */
    private static void assertRatio(double ratio, double llama, double glimpse) {
        double low = llama / (glimpse + 0.0005) - 0.005;
        double high = glimpse > 0.0005 ? llama / (glimpse - 0.0005) + 0.005 : Double.POSITIVE_INFINITY;
        assertThat(ratio).isBetween(low, high);
    }

    private static double seconds(String out, String label) {
        String line = out.lines().filter(l -> l.contains(label)).findFirst().orElseThrow();
        Matcher m = Pattern.compile(":\\s+(\\d+\\.\\d+) s").matcher(line);
        assertThat(m.find()).as(line).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void unknownModelIsAUsageError() {
        InProcess.Run r = glimpse("bench", "encode", "--tiny", "--models", "vit", "--cache", cache.toString());
        assertThat(r.code()).isEqualTo(GlimpseCli.USAGE);
        assertThat(r.err()).contains("unknown model 'vit'");
    }
}
