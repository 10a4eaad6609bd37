package io.glimpse.cli;

import io.glimpse.io.SafeTensors;
import io.glimpse.io.TensorData;
import io.glimpse.testkit.Fixtures;
import io.glimpse.tokens.TokenFile;
import io.glimpse.tokens.TokenSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.glimpse.cli.InProcess.glimpse;
import static org.assertj.core.api.Assertions.assertThat;

/** The encode command against goldens that PyTorch computed for the tiny checkpoints in glimpse-core's fixtures. */
class EncodeCommandTest {
    static final Path FIXTURES = Fixtures.path("vision");

    @TempDir
    Path dir;

    @Test
    void clipFeaturesOfAnImageMatchTheGoldenHiddenStateWithoutCls() throws Exception {
        Path out = dir.resolve("clip.safetensors");
        InProcess.Run r = glimpse("encode", "--model", FIXTURES.resolve("clip").toString(), "--layer", "2",
                FIXTURES.resolve("landscape.png").toString(), "-o", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        TokenSet t = TokenFile.read(out);
        TensorData golden = SafeTensors.read(FIXTURES.resolve("clip/golden.safetensors")).tensors().get("hidden.2");
        float[] g = golden.toFloats();
        int d = golden.dim(1);
        assertThat(t.size()).isEqualTo(golden.dim(0) - 1);
        assertThat(t.frameInfo(0).gridH()).isEqualTo(4);
        for (int i = 0; i < t.size(); i++) {
            for (int k = 0; k < d; k++) {
                float want = g[(i + 1) * d + k];
                assertThat(t.get(i, k)).isCloseTo(want, org.assertj.core.data.Offset.offset(1e-4f * Math.max(1, Math.abs(want))));
            }
        }
    }

    @Test
    void anMmprojFileEncodesAsTheCheckpointFolderItWasConvertedFrom() throws Exception {
        Path fromFolder = dir.resolve("folder.safetensors");
        Path fromGguf = dir.resolve("gguf.safetensors");
        String image = FIXTURES.resolve("landscape.png").toString();
        InProcess.Run f = glimpse("encode", "--model", Fixtures.path("llava/llava15").toString(), image, "-o", fromFolder.toString());
        InProcess.Run g = glimpse("encode", "--model", Fixtures.path("gguf/llava15-mmproj-f32.gguf").toString(), image,
                "-o", fromGguf.toString());
        assertThat(f.code()).as(f.err()).isZero();
        assertThat(g.code()).as(g.err()).isZero();
        TokenSet a = TokenFile.read(fromFolder);
        TokenSet b = TokenFile.read(fromGguf);
        assertThat(b.size()).isEqualTo(a.size()).isPositive();
        assertThat(b.dim()).isEqualTo(a.dim());
        for (int i = 0; i < a.size(); i++) {
            for (int k = 0; k < a.dim(); k++) {
                assertThat(b.get(i, k)).isCloseTo(a.get(i, k), org.assertj.core.data.Offset.offset(1e-5f * Math.max(1, Math.abs(a.get(i, k)))));
            }
        }
    }

    @Test
    void encodeWithReductionUsesTheTowersAttention() throws Exception {
        Path out = dir.resolve("siglip.safetensors");
        InProcess.Run r = glimpse("encode", "--model", FIXTURES.resolve("siglip").toString(),
                FIXTURES.resolve("landscape.png").toString(), "--reduce", "fastv:k=3,score=received,layer=2", "-o", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        TokenSet t = TokenFile.read(out);
        assertThat(t.size()).isEqualTo(3);
        float[] received = SafeTensors.read(FIXTURES.resolve("siglip/golden.safetensors")).tensors().get("attn.received.1").toFloats();
        float kthLargest = sortedDescending(received)[2];
        for (int i = 0; i < 3; i++) {
            int patch = t.patchIndex(t.frame(i), t.row(i), t.col(i));
            assertThat(received[patch]).as("kept patch %d is among the top 3 by block-2 attention", patch).isGreaterThanOrEqualTo(kthLargest);
        }
        // SigLIP has no CLS, so visionzip's default score=cls becomes received; asked for explicitly, it is refused.
        Path byDefault = dir.resolve("default.safetensors");
        InProcess.Run d = glimpse("encode", "--model", FIXTURES.resolve("siglip").toString(),
                FIXTURES.resolve("landscape.png").toString(), "--reduce", "visionzip:k=3,layer=2", "-o", byDefault.toString());
        assertThat(d.code()).as(d.err()).isZero();
        InProcess.Run cls = glimpse("encode", "--model", FIXTURES.resolve("siglip").toString(),
                FIXTURES.resolve("landscape.png").toString(), "--reduce", "visionzip:k=3,layer=2,score=cls", "-o",
                dir.resolve("cls.safetensors").toString());
        assertThat(cls.code()).isEqualTo(GlimpseCli.BAD_INPUT);
        assertThat(cls.err()).contains("no CLS token");
    }

    private static float[] sortedDescending(float[] v) {
        float[] s = v.clone();
        java.util.Arrays.sort(s);
        for (int i = 0; i < s.length / 2; i++) {
            float x = s[i];
            s[i] = s[s.length - 1 - i];
            s[s.length - 1 - i] = x;
        }
        return s;
    }

    @Test
    void aBrokenCheckpointIsBadInputNamingTheFile() throws Exception {
        Path model = dir.resolve("broken");
        Files.createDirectories(model);
        for (String f : new String[]{"config.json", "preprocessor_config.json"}) {
            Files.copy(FIXTURES.resolve("clip").resolve(f), model.resolve(f));
        }
        byte[] weights = Files.readAllBytes(FIXTURES.resolve("clip/model.safetensors"));
        Files.write(model.resolve("model.safetensors"), java.util.Arrays.copyOf(weights, weights.length / 2));
        Path out = dir.resolve("never.safetensors");
        InProcess.Run r = glimpse("encode", "--model", model.toString(), FIXTURES.resolve("landscape.png").toString(), "-o", out.toString());
        assertThat(r.code()).isEqualTo(GlimpseCli.BAD_INPUT);
        assertThat(r.err()).contains("model.safetensors").doesNotContain("internal error");
        assertThat(out).doesNotExist();
    }

    @Test
    void aFeatureLayerTheTowerDoesNotHaveIsBadInputAndAZeroFpsAUsageError() {
        // The tiny CLIP tower has 3 layers: hidden_states 0..3, or -4..-1 from the end.
        Path out = dir.resolve("never.safetensors");
        String image = FIXTURES.resolve("landscape.png").toString();
        InProcess.Run deep = glimpse("encode", "--model", FIXTURES.resolve("clip").toString(), "--layer", "4", image, "-o", out.toString());
        assertThat(deep.code()).isEqualTo(GlimpseCli.BAD_INPUT);
        assertThat(deep.err()).contains("--layer 4 is outside [-4, 3]");
        assertThat(glimpse("encode", "--model", FIXTURES.resolve("clip").toString(), "--layer", "-4", image, "-o", out.toString()).code())
                .isZero();
        assertThat(glimpse("encode", "--model", FIXTURES.resolve("clip").toString(), "--fps", "0", image, "-o",
                dir.resolve("fps.safetensors").toString()).code()).isEqualTo(GlimpseCli.USAGE);
    }
}
