package io.glimpse.cli;

import io.glimpse.io.DType;
import io.glimpse.io.SafeTensors;
import io.glimpse.io.TensorData;
import io.glimpse.media.SyntheticVideo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

import static io.glimpse.cli.InProcess.glimpse;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Inputs a user can hand over by mistake, and flags with absurd values: each is bad input (exit 2) with one line
 * naming the input and the problem, or works as meant, and nothing runs until killed.
 */
class AdversarialInputsTest {
    @TempDir
    static Path shared;
    static Path video;

    @TempDir
    Path dir;

    @BeforeAll
    static void makeVideo() throws Exception {
        video = new SyntheticVideo(SyntheticVideo.Spec.hardCuts(160, 90, 10, 2, 2.0, 3)).write(shared.resolve("v.mp4"));
    }

    private static void assertBadInput(InProcess.Run r, String... parts) {
        assertThat(r.code()).as(r.err()).isEqualTo(GlimpseCli.BAD_INPUT);
        assertThat(r.err().lines().toList()).as(r.err()).hasSize(1);
        assertThat(r.err()).contains(parts).doesNotContain("internal error");
    }

    private InProcess.Run plan(String... extra) {
        List<String> args = new ArrayList<>(List.of("plan", "--budget", "800", "--target", "gpt-4o", "--out", dir.resolve("out").toString()));
        args.addAll(List.of(extra));
        return glimpse(args.toArray(String[]::new));
    }

    @Test
    void aDirectoryGivenAsTheVideoIsReportedAsOne() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("clips"));
        assertBadInput(plan(folder.toString()), folder.toString(), "is a directory");
    }

    @Test
    void aDirectoryGivenAsTokensIsReportedAsOne() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("feats"));
        assertBadInput(glimpse("reduce", folder.toString(), "--pipeline", "tome:keep=0.5", "-o", dir.resolve("o.safetensors").toString()),
                folder.toString(), "is a directory");
    }

    @Test
    void aTextFileIsNotPlannedAsAVideo() throws Exception {
        // FFmpeg's tty demuxer takes a long enough .txt for ANSI art and plays it at 25 fps.
        Path text = Files.writeString(dir.resolve("notes.txt"),
                IntStream.range(0, 20000).mapToObj(Integer::toString).collect(Collectors.joining("\n")));
        assertBadInput(plan(text.toString()), text.toString(), "text file");
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void integerAndBoolEmbeddingsAreRejectedByName() throws Exception {
        for (DType type : List.of(DType.I32, DType.BOOL)) {
            int bytes = type == DType.BOOL ? 1 : 4;
            ByteBuffer data = ByteBuffer.allocate(2 * 16 * 8 * bytes).order(ByteOrder.LITTLE_ENDIAN);
            Path in = dir.resolve(type + ".safetensors");
            SafeTensors.write(in, List.of(new TensorData("last_hidden_state", type, new long[] {2, 16, 8}, data)), Map.of());
            assertBadInput(glimpse("reduce", in.toString(), "--pipeline", "tome:keep=0.5", "-o", dir.resolve("o.safetensors").toString()),
                    in.toString(), "'last_hidden_state'", type.toString());
        }
    }

    @Test
    void dedupWithoutAValueLeavesTheVideoPathAlone() {
        InProcess.Run r = glimpse("plan", "--dedup", video.toString(), "--budget", "800", "--target", "gpt-4o",
                "--out", dir.resolve("out").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(dir.resolve("out").resolve("plan.json")).exists();
        assertThat(plan(video.toString(), "--dedup=0.9").code()).isZero();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void anAbsurdFpsIsRefusedInsteadOfWalkedFrameByFrame() {
        assertBadInput(plan(video.toString(), "--fps", "1e300"), "fps", "1.0E300");
        assertBadInput(glimpse("encode", "--model", EncodeCommandTest.FIXTURES.resolve("clip").toString(), "--fps", "1e300",
                video.toString(), "-o", dir.resolve("e.safetensors").toString()), "fps");
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void generationStopsAtTheContextLengthWithANote() {
        InProcess.Run r = glimpse("ask", "--model", AskCommandTest.MODEL.toString(), "--image", AskCommandTest.IMAGE,
                "--max-tokens", "100000", "What is this?");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("stopped after").contains("context of 512 tokens");
    }

    /** A valid PNG of one colour, streamed row by row so that the test itself never holds the pixels. */
    private static void writeBlankPng(Path file, int width, int height) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
            ByteArrayOutputStream header = new ByteArrayOutputStream();
            DataOutputStream h = new DataOutputStream(header);
            h.writeInt(width);
            h.writeInt(height);
            h.write(new byte[] {8, 2, 0, 0, 0});
            chunk(out, "IHDR", header.toByteArray());
            ByteArrayOutputStream pixels = new ByteArrayOutputStream();
            try (DeflaterOutputStream z = new DeflaterOutputStream(pixels, new Deflater(Deflater.BEST_SPEED))) {
                byte[] row = new byte[1 + 3 * width];
                for (int y = 0; y < height; y++) {
                    z.write(row);
                }
            }
            chunk(out, "IDAT", pixels.toByteArray());
            chunk(out, "IEND", new byte[0]);
        }
    }

    private static void chunk(OutputStream out, String type, byte[] data) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        d.writeInt(data.length);
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        d.write(t);
        d.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        d.writeInt((int) crc.getValue());
    }

    @Test
    void aFrameLargerThanTheHeapIsRefusedBeforeItIsDecoded() throws Exception {
        Path png = dir.resolve("huge.png");
        writeBlankPng(png, 8000, 8000);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Xmx128m", "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), GlimpseCli.class.getName(),
                "plan", png.toString(), "--budget", "800", "--target", "gpt-4o", "--out", dir.resolve("out").toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(log).isEqualTo(GlimpseCli.BAD_INPUT);
        assertThat(log).contains(png.toString()).contains("8000x8000").contains("GLIMPSE_JAVA_OPTS=-Xmx")
                .doesNotContain("OutOfMemoryError").doesNotContain("\tat ");
    }
}
