package io.glimpse.bench.run;

import io.glimpse.bench.fixture.ModelShapes;
import io.glimpse.bench.fixture.RandomCheckpoint;
import io.glimpse.llava.Ask;
import io.glimpse.llava.LlavaModel;
import io.glimpse.tensor.WeightFormat;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The memory goal of {@code glimpse ask} on a LLaVA-1.5-7B-shaped random checkpoint: the process's peak resident set
 * (VmHWM of /proc/self/status) while the model loads (its decoder converted to {@code --weights} or mapped as stored)
 * and answers one image, beside the goal (9 GB at q8_0, 16 GB in bf16). The peak is reset (/proc/self/clear_refs)
 * after the checkpoint is written, so writing it does not count; the heap that writing grew stays resident, so the
 * figure to quote is that of a run that found the checkpoint already written.
 */
public final class AskMemoryBench {
    static final double GB = 1e9;

    /**
     * @param weights the decoder's format, null as stored (bf16)
     * @param tokens  tokens to decode
     */
    public record Options(ModelShapes.Llava15 shape, WeightFormat weights, int tokens, long seed, Path cache) {
    }

    private AskMemoryBench() {
    }

    public static void run(Options o, PrintWriter out, PrintWriter err) throws IOException {
        boolean written = !RandomCheckpoint.cached(o.shape(), o.cache(), o.seed());
        if (written) {
            err.printf(Locale.ROOT, "writing the random %s checkpoint under %s (once; later runs reuse it)...%n",
                    o.shape().name(), o.cache());
            err.flush();
        }
        Path dir = RandomCheckpoint.llava15(o.shape(), o.cache(), o.seed());
        System.gc();
        boolean reset = resetPeak();
        long start = status("VmRSS");
        String weights = o.weights() == null ? "auto (bf16 as stored)" : o.weights().cliName();
        long weightBytes;
        int generated;
        try (LlavaModel llava = LlavaModel.load(dir, o.weights())) {
            weightBytes = llava.decoder().weightBytes();
            Ask.Request request = Ask.Request.images(AskBench.frames(1, 640, 360), AskBench.PROMPT).maxTokens(o.tokens()).build();
            generated = Ask.run(llava, request, text -> { }).stats().generated();
        }
        long peak = status("VmHWM");
        double goal = o.weights() == WeightFormat.Q8_0 ? 9 : o.weights() == null || o.weights() == WeightFormat.BF16 ? 16 : Double.NaN;
        out.printf(Locale.ROOT, "model: %s shape, random weights; decoder weights %s: %.2f GB read per token; heap limit %.2f GB "
                        + "(-Xmx or the JVM's default)%n", o.shape().name(), weights, weightBytes / GB,
                Runtime.getRuntime().maxMemory() / GB);
        out.printf(Locale.ROOT, "ask: one image, %d tokens decoded%n", generated);
        out.printf(Locale.ROOT, "resident before loading %.2f GB; peak resident (VmHWM) %.2f GB%s%n", start / GB, peak / GB,
                Double.isNaN(goal) ? "" : String.format(Locale.ROOT, "; goal ≤ %.0f GB: %s", goal, peak <= goal * GB ? "met" : "NOT met"));
        if (!reset) {
            out.println("note: /proc/self/clear_refs could not reset the peak, so it includes everything before loading");
        }
        if (written) {
            out.println("note: the checkpoint was written in this run; its heap stays resident: run again for the figure to quote");
        }
        out.flush();
    }

    /** Resets VmHWM to the current resident set (Linux ≥ 4.0); false where that is not possible. */
    static boolean resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** A size field of /proc/self/status in bytes ({@code VmHWM}, {@code VmRSS}), or -1 where there is none. */
    static long status(String field) throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return -1;
        }
        List<String> lines = Files.readAllLines(status);
        for (String line : lines) {
            if (line.startsWith(field + ":")) {
                String[] parts = line.substring(field.length() + 1).trim().split("\\s+");
                return Long.parseLong(parts[0]) * 1024;
            }
        }
        return -1;
    }
}
