package io.glimpse.tensor;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A JVM started without the Vector API module says once, on one line, how to get the vector kernels. */
class ScalarFallbackNoteTest {
    /** Asks for the kernels twice, as a run would from several places. */
    public static void main(String[] args) {
        for (int i = 0; i < 2; i++) {
            VectorOps.get().dot(new float[4], 0, new float[4], 0, 4);
            Gemm.get().multiply(1, 1, 1, new float[1], 0, new float[1], 0, new float[1], 0);
        }
    }

    @Test
    void theScalarFallbackPrintsOneLineNamingTheFlag() throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                "-D" + GemmProvider.PROPERTY + "=naive", ScalarFallbackNoteTest.class.getName())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(err).isZero();
        List<String> notes = err.lines().filter(l -> l.startsWith("glimpse:")).toList();
        assertThat(notes).containsExactly(VectorOpsProvider.SCALAR_NOTE);
        assertThat(VectorOpsProvider.SCALAR_NOTE).contains("--add-modules jdk.incubator.vector");
    }
}
