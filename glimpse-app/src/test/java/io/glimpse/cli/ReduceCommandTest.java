package io.glimpse.cli;

import io.glimpse.io.SafeTensors;
import io.glimpse.io.TensorData;
import io.glimpse.report.HeadlessChromium;
import io.glimpse.tokens.TokenFile;
import io.glimpse.tokens.TokenSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.glimpse.cli.InProcess.glimpse;
import static org.assertj.core.api.Assertions.assertThat;

class ReduceCommandTest {
    @TempDir
    Path dir;

    /** T frames of an h×w grid whose tokens come from a few prototypes plus noise, so merging has work to do. */
    static float[] features(int t, int n, int d, long seed) {
        Random r = new Random(seed);
        float[][] protos = new float[5][d];
        for (float[] p : protos) {
            for (int k = 0; k < d; k++) {
                p[k] = (float) r.nextGaussian();
            }
        }
        float[] x = new float[t * n * d];
        for (int i = 0; i < t * n; i++) {
            float[] p = protos[(i % n) * 5 / n];
            for (int k = 0; k < d; k++) {
                x[i * d + k] = p[k] + 0.1f * (float) r.nextGaussian();
            }
        }
        return x;
    }

    private Path encoderOutput(String name, int t, int n, int d, Map<String, String> meta, TensorData... extra) throws Exception {
        Path f = dir.resolve(name);
        List<TensorData> ts = new java.util.ArrayList<>();
        ts.add(TensorData.ofFloats("last_hidden_state", features(t, n, d, 5), t, n, d));
        ts.addAll(Arrays.asList(extra));
        SafeTensors.write(f, ts, meta);
        return f;
    }

    @Test
    void reducesAFrameTensorAndWritesAValidTokenFile() throws Exception {
        Path in = encoderOutput("feats.safetensors", 3, 36, 8, Map.of());
        Path out = dir.resolve("out.safetensors");
        InProcess.Run r = glimpse("reduce", in.toString(), "--pipeline", "tmerge:threshold=0.9 > tome:keep=0.5 > kcenter:k=10",
                "-o", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        TokenSet t = TokenFile.read(out);
        assertThat(t.size()).isEqualTo(10);
        assertThat(t.frameCount()).isEqualTo(3);
        assertThat(t.frameInfo(0).gridH()).isEqualTo(6);
        assertThat(Arrays.stream(t.sizes()).sum()).isEqualTo(t.keptPatches());
        assertThat(SafeTensors.read(out).metadata().get("pipeline")).contains("tome").contains("kcenter");
        assertThat(r.out()).contains("108 -> 10 tokens").contains("tmerge").contains("kcenter");
    }

    @Test
    void clsTokensAreDroppedOnRequestAndAttentionMapsReachTheReducer() throws Exception {
        int n = 1 + 16;
        float[] cls = new float[2 * n];
        for (int f = 0; f < 2; f++) {
            for (int p = 1; p < n; p++) {
                cls[f * n + p] = p == 5 || p == 11 ? 1f : 0.01f * p;
            }
        }
        Path in = encoderOutput("vit.safetensors", 2, n, 4, Map.of(), TensorData.ofFloats("attention.received@23", cls, 2, n));
        Path out = dir.resolve("fastv.safetensors");
        InProcess.Run noCls = glimpse("reduce", in.toString(), "-p", "fastv:k=4", "-o", out.toString());
        assertThat(noCls.code()).isEqualTo(GlimpseCli.BAD_INPUT);
        assertThat(noCls.err()).contains("--drop-cls");
        InProcess.Run r = glimpse("reduce", in.toString(), "-p", "fastv:k=4", "--drop-cls", "-o", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        TokenSet t = TokenFile.read(out);
        assertThat(t.size()).isEqualTo(4);
        for (int i = 0; i < 4; i++) {
            assertThat(t.row(i) * 4 + t.col(i) + 1).as("kept the patches with the most attention").isIn(5, 11);
        }
        assertThat(SafeTensors.read(out).has("attention.received@23")).as("maps travel with the reduced file").isTrue();
        // Kept patches are their own tokens; the summary measures the dropped ones against the nearest kept token.
        assertThat(r.out()).contains("kept or merged patches: mean cos 1.0000, worst 1.0000")
                .containsPattern("28 patches dropped: nearest kept token mean cos -?\\d\\.\\d{4}, worst -?\\d\\.\\d{4}; "
                        + "coverage radius \\d\\.\\d{4}");
    }

    @Test
    void badInputFailsCleanlyWithoutOutput() throws Exception {
        Path in = encoderOutput("ok.safetensors", 1, 16, 4, Map.of());
        Path out = dir.resolve("never.safetensors");
        InProcess.Run unknown = glimpse("reduce", in.toString(), "-p", "tome:keep=0.5 > magic:k=3", "-o", out.toString());
        assertThat(unknown.code()).isEqualTo(GlimpseCli.BAD_INPUT);
        assertThat(unknown.err()).contains("magic").contains("kcenter").contains("tome");
        InProcess.Run param = glimpse("reduce", in.toString(), "-p", "tome:speed=3", "-o", out.toString());
        assertThat(param.err()).contains("speed").contains("keep");
        InProcess.Run tooMany = glimpse("reduce", in.toString(), "-p", "kcenter:k=17", "-o", out.toString());
        assertThat(tooMany.code()).isEqualTo(GlimpseCli.BAD_INPUT);
        InProcess.Run grid = glimpse("reduce", in.toString(), "-p", "tome", "--grid", "3x5", "-o", out.toString());
        assertThat(grid.err()).contains("3x5");

        float[] x = features(1, 16, 4, 1);
        x[7] = Float.NaN;
        Path nan = dir.resolve("nan.safetensors");
        SafeTensors.write(nan, List.of(TensorData.ofFloats("embeddings", x, 16, 4)), Map.of());
        InProcess.Run bad = glimpse("reduce", nan.toString(), "-p", "tome", "-o", out.toString());
        assertThat(bad.code()).isEqualTo(GlimpseCli.BAD_INPUT);
        assertThat(bad.err()).contains("nan.safetensors").contains("non-finite");

        Path truncated = dir.resolve("cut.safetensors");
        byte[] bytes = Files.readAllBytes(in);
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length - 10));
        assertThat(glimpse("reduce", truncated.toString(), "-p", "tome", "-o", out.toString()).err()).contains("cut.safetensors");
        assertThat(out).doesNotExist();
        try (var s = Files.list(dir)) {
            assertThat(s.map(Path::toString)).noneMatch(p -> p.endsWith(".part"));
        }
    }

    @Test
    void compareListsEveryPipelineAndItsHeatmapsRender() throws Exception {
        Path in = encoderOutput("cmp.safetensors", 2, 36, 8, Map.of("gridH", "6", "gridW", "6"));
        Path html = dir.resolve("compare.html");
        InProcess.Run r = glimpse("compare", in.toString(), "--pipelines", "tome:keep=0.5,protect=0,kcenter:k=12;evs:rate=0.5",
                "--html", html.toString());
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(1)).startsWith("tome:");
        assertThat(lines.get(2)).startsWith("kcenter:k=12").contains(" 12 ");
        assertThat(lines.get(3)).startsWith("evs:");
        String dom = HeadlessChromium.dumpDom(html);
        assertThat(dom.split("class=\"heatmap\"", -1)).hasSize(1 + 3 * 2);
        assertThat(dom).contains("kcenter:k=12");
    }

    @Test
    void pipelineListsSplitOnlyBetweenPipelines() {
        assertThat(CompareCommand.split("tome:keep=0.5,protect=1,kcenter:k=64")).containsExactly("tome:keep=0.5,protect=1", "kcenter:k=64");
        assertThat(CompareCommand.split("evs, tmerge > tome:r=3 ; kcenter")).containsExactly("evs", "tmerge > tome:r=3", "kcenter");
        assertThat(CompareCommand.split("a > b:k=1,c=2 > d")).containsExactly("a > b:k=1,c=2 > d");
    }
}
